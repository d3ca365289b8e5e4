package review

// SchemaName is the name the JSON schema is sent under in the response format; the built-in
// model recognises review calls by it.
const SchemaName = "story_review"

// PromptVersion changes whenever the prompt or the schema changes, so cached reviews are redone.
const PromptVersion = "review-v1"

// Decisions a review makes.
const (
	DecisionKeep   = "keep"
	DecisionSplit  = "split"
	DecisionReject = "reject"
)

// Reason codes: short, no model text, safe in Temporal history.
const (
	ReasonOneIssue       = "one_issue"
	ReasonDistinctIssues = "distinct_issues"
	ReasonNoise          = "noise"
	ReasonNotActionable  = "not_actionable"
	ReasonTooVague       = "too_vague"
)

// Enumerations of the schema.
var (
	Decisions  = []string{DecisionKeep, DecisionSplit, DecisionReject}
	Reasons    = []string{ReasonOneIssue, ReasonDistinctIssues, ReasonNoise, ReasonNotActionable, ReasonTooVague}
	Severities = []string{"low", "medium", "high", "critical"}
)

// Limits enforced by Validate (stated in the schema's descriptions).
const (
	MaxTitle      = 80
	MaxUserStory  = 500
	MaxListItems  = 6
	MaxItemChars  = 200
	MinCriteria   = 1
	MaxSplitParts = 6
)

// Schema returns the strict JSON schema of an answer: every property required, nothing else
// allowed, enumerations closed.
func Schema() map[string]any {
	str := func(desc string) map[string]any { return map[string]any{"type": "string", "description": desc} }
	enum := func(values []string) map[string]any { return map[string]any{"type": "string", "enum": values} }
	list := func(desc string) map[string]any {
		return map[string]any{"type": "array", "description": desc, "items": map[string]any{"type": "string"}}
	}
	part := map[string]any{
		"type": "object",
		"properties": map[string]any{
			"members": list("member references (m1, m2, …) of this part; for keep, every member"),
			"title": str("one line, at most 80 characters, reads as a backlog item: component, then the failure or need, " +
				"e.g. \"Calendar sync: events duplicated after reconnect\""),
			"user_story":          str("As a …, I want …, so that …; at most 500 characters"),
			"acceptance_criteria": list("1 to 6 testable criteria, each at most 200 characters"),
			"investigation_hints": list("up to 6 hints for the engineer, each at most 200 characters"),
			"severity":            enum(Severities),
		},
		"required":             []string{"members", "title", "user_story", "acceptance_criteria", "investigation_hints", "severity"},
		"additionalProperties": false,
	}
	return map[string]any{
		"type": "object",
		"properties": map[string]any{
			"decision": enum(Decisions),
			"reason":   enum(Reasons),
			"parts": map[string]any{"type": "array", "items": part,
				"description": "keep: exactly one part; split: 2 to 6 parts whose members cover every member once; reject: none"},
		},
		"required":             []string{"decision", "reason", "parts"},
		"additionalProperties": false,
	}
}
