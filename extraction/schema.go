package extraction

import "fmt"

// SchemaName is the name the JSON schema is sent under in the response format.
const SchemaName = "conversation_theme"

// Schema returns the strict JSON schema of a Theme: every property required, nothing else
// allowed, enumerations closed. It keeps to the subset every strict structured-output API
// accepts (types, enums, required, additionalProperties): length and count limits, which some
// reject under strict mode, are stated in the descriptions and enforced by Validate, whose
// errors drive the corrective retry.
func Schema() map[string]any {
	str := func(desc string) map[string]any { return map[string]any{"type": "string", "description": desc} }
	enum := func(values []string) map[string]any { return map[string]any{"type": "string", "enum": values} }
	list := func(desc string) map[string]any {
		return map[string]any{"type": "array", "description": desc, "items": map[string]any{"type": "string"}}
	}
	short := fmt.Sprintf("at most %d characters", MaxShortTextChars)
	props := map[string]any{
		"conversation_type":     enum(ConversationTypes),
		"product_area":          str("the product area, lower snake case"),
		"component":             str("the component, lower snake case"),
		"issue_signature":       str("lower snake case [a-z0-9_]: [feature]_[specific_symptom]"),
		"matched_existing":      map[string]any{"type": "boolean"},
		"match_confidence":      enum(MatchConfidences),
		"user_intent":           str(short),
		"symptoms":              list(fmt.Sprintf("%d to %d observable symptoms, each %s", MinSymptoms, MaxSymptoms, short)),
		"affected_flow":         str(short),
		"root_cause_hypothesis": str(short),
		"diagnostic_summary":    str(fmt.Sprintf("2-4 sentences for the engineer who will fix it, at most %d characters", MaxLongTextChars)),
		"key_excerpts":          list(fmt.Sprintf("up to %d verbatim customer quotes, each at most %d characters", MaxKeyExcerpts, MaxExcerptChars)),
		"action_type":           enum(ActionTypes),
		"direction":             enum(Directions),
		"resolution_action":     enum(ResolutionActions),
		"resolution_category":   enum(ResolutionCategories),
	}
	return map[string]any{
		"type":                 "object",
		"properties":           props,
		"required":             PropertyNames(),
		"additionalProperties": false,
	}
}

// PropertyNames lists the schema's properties in a fixed order.
func PropertyNames() []string {
	return []string{
		"conversation_type", "product_area", "component", "issue_signature", "matched_existing",
		"match_confidence", "user_intent", "symptoms", "affected_flow", "root_cause_hypothesis",
		"diagnostic_summary", "key_excerpts", "action_type", "direction", "resolution_action",
		"resolution_category",
	}
}
