package extraction

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

var signaturePattern = regexp.MustCompile(`^[a-z0-9_]+$`)

// Parse decodes a model's answer strictly (unknown fields are errors) and validates it.
func Parse(content string) (*Theme, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(content)))
	dec.DisallowUnknownFields()
	var t Theme
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("answer is not a JSON theme object: %w", err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(content), &raw); err != nil {
		return nil, fmt.Errorf("answer is not a JSON object: %w", err)
	}
	var missing []string
	for _, name := range PropertyNames() {
		if _, ok := raw[name]; !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("answer misses required fields: %s", strings.Join(missing, ", "))
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return &t, nil
}

// Validate checks enumerations, lengths and list sizes, and reports every problem at once so a
// corrective retry can fix them together.
func (t *Theme) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	oneOf := func(field, value string, allowed []string) {
		if !slices.Contains(allowed, value) {
			bad("%s %q is not one of %s", field, value, strings.Join(allowed, ", "))
		}
	}
	maxLen := func(field, value string, limit int) {
		if utf8.RuneCountInString(value) > limit {
			bad("%s is longer than %d characters", field, limit)
		}
	}
	oneOf("conversation_type", t.ConversationType, ConversationTypes)
	oneOf("match_confidence", t.MatchConfidence, MatchConfidences)
	oneOf("action_type", t.ActionType, ActionTypes)
	oneOf("direction", t.Direction, Directions)
	oneOf("resolution_action", t.ResolutionAction, ResolutionActions)
	oneOf("resolution_category", t.ResolutionCategory, ResolutionCategories)
	if strings.TrimSpace(t.ProductArea) == "" {
		bad("product_area is empty")
	}
	if strings.TrimSpace(t.Component) == "" {
		bad("component is empty")
	}
	if !signaturePattern.MatchString(t.IssueSignature) {
		bad("issue_signature %q is not lower snake case [a-z0-9_]", t.IssueSignature)
	}
	maxLen("issue_signature", t.IssueSignature, 120)
	maxLen("product_area", t.ProductArea, 80)
	maxLen("component", t.Component, 80)
	maxLen("user_intent", t.UserIntent, MaxShortTextChars)
	maxLen("affected_flow", t.AffectedFlow, MaxShortTextChars)
	maxLen("root_cause_hypothesis", t.RootCauseHypothesis, MaxShortTextChars)
	maxLen("diagnostic_summary", t.DiagnosticSummary, MaxLongTextChars)
	if n := len(t.Symptoms); n < MinSymptoms || n > MaxSymptoms {
		bad("symptoms has %d items, want %d to %d", n, MinSymptoms, MaxSymptoms)
	}
	for i, s := range t.Symptoms {
		maxLen(fmt.Sprintf("symptoms[%d]", i), s, MaxShortTextChars)
	}
	if len(t.KeyExcerpts) > MaxKeyExcerpts {
		bad("key_excerpts has %d items, at most %d allowed", len(t.KeyExcerpts), MaxKeyExcerpts)
	}
	for i, s := range t.KeyExcerpts {
		maxLen(fmt.Sprintf("key_excerpts[%d]", i), s, MaxExcerptChars)
	}
	return errors.Join(errs...)
}

// IsActionable reports whether the theme's conversation type is in the actionable set.
func IsActionable(conversationType string, actionable []string) bool {
	return slices.Contains(actionable, conversationType)
}
