// Package extraction defines what one LLM call extracts from a conversation: the Theme, its JSON
// schema, its validation, and the prompt that asks for it. The LLM client and the built-in local
// model both speak this contract.
package extraction

// Conversation types the model may answer.
const (
	TypeProductIssue      = "product_issue"
	TypeFeatureRequest    = "feature_request"
	TypeHowToQuestion     = "how_to_question"
	TypeAccountIssue      = "account_issue"
	TypeBillingQuestion   = "billing_question"
	TypeConfigurationHelp = "configuration_help"
	TypeGeneralInquiry    = "general_inquiry"
	TypeSpam              = "spam"
)

// ConversationTypes lists every conversation type, in schema order.
var ConversationTypes = []string{
	TypeProductIssue, TypeFeatureRequest, TypeHowToQuestion, TypeAccountIssue,
	TypeBillingQuestion, TypeConfigurationHelp, TypeGeneralInquiry, TypeSpam,
}

// DefaultActionable are the conversation types that become themes unless configured otherwise.
var DefaultActionable = []string{TypeProductIssue, TypeFeatureRequest, TypeHowToQuestion}

// Enumerations of the remaining closed fields.
var (
	MatchConfidences     = []string{"high", "medium", "low"}
	ActionTypes          = []string{"inquiry", "complaint", "bug_report", "how_to_question", "feature_request", "account_change", "delete_request", "unknown"}
	Directions           = []string{"excess", "deficit", "creation", "deletion", "modification", "performance", "neutral"}
	ResolutionActions    = []string{"escalated_to_engineering", "provided_workaround", "user_education", "manual_intervention", "no_resolution"}
	ResolutionCategories = []string{"escalation", "workaround", "education", "self_service_gap", "unresolved"}
)

// Theme is the structured result of one extraction call for one conversation.
type Theme struct {
	ConversationType    string   `json:"conversation_type"`
	ProductArea         string   `json:"product_area"`
	Component           string   `json:"component"`
	IssueSignature      string   `json:"issue_signature"`
	MatchedExisting     bool     `json:"matched_existing"`
	MatchConfidence     string   `json:"match_confidence"`
	UserIntent          string   `json:"user_intent"`
	Symptoms            []string `json:"symptoms"`
	AffectedFlow        string   `json:"affected_flow"`
	RootCauseHypothesis string   `json:"root_cause_hypothesis"`
	DiagnosticSummary   string   `json:"diagnostic_summary"`
	KeyExcerpts         []string `json:"key_excerpts"`
	ActionType          string   `json:"action_type"`
	Direction           string   `json:"direction"`
	ResolutionAction    string   `json:"resolution_action"`
	ResolutionCategory  string   `json:"resolution_category"`
}

// Limits on list and text sizes the schema and validation enforce.
const (
	MinSymptoms       = 2
	MaxSymptoms       = 4
	MaxKeyExcerpts    = 5
	MaxExcerptChars   = 500
	MaxShortTextChars = 300
	MaxLongTextChars  = 2000
)
