package extraction

// SchemaName is the name the JSON schema is sent under in the response format.
const SchemaName = "conversation_theme"

// Schema returns the strict JSON schema of a Theme: every property required, nothing else allowed.
func Schema() map[string]any {
	str := func(maxLen int) map[string]any { return map[string]any{"type": "string", "maxLength": maxLen} }
	enum := func(values []string) map[string]any { return map[string]any{"type": "string", "enum": values} }
	list := func(minItems, maxItems, maxLen int) map[string]any {
		return map[string]any{"type": "array", "minItems": minItems, "maxItems": maxItems, "items": str(maxLen)}
	}
	props := map[string]any{
		"conversation_type":     enum(ConversationTypes),
		"product_area":          str(80),
		"component":             str(80),
		"issue_signature":       map[string]any{"type": "string", "maxLength": 120, "pattern": "^[a-z0-9_]+$"},
		"matched_existing":      map[string]any{"type": "boolean"},
		"match_confidence":      enum(MatchConfidences),
		"user_intent":           str(MaxShortTextChars),
		"symptoms":              list(MinSymptoms, MaxSymptoms, MaxShortTextChars),
		"affected_flow":         str(MaxShortTextChars),
		"root_cause_hypothesis": str(MaxShortTextChars),
		"diagnostic_summary":    str(MaxLongTextChars),
		"key_excerpts":          list(0, MaxKeyExcerpts, MaxExcerptChars),
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
