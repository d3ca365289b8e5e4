// Package signature canonicalizes issue signatures: normalization, the specificity rules, and the
// per-run cache through which concurrent extractions converge on one canonical signature.
package signature

import (
	"fmt"
	"strings"
)

// Normalize lower-cases s and reduces it to [a-z0-9_] with single underscores and none at the ends.
func Normalize(s string) string {
	var b strings.Builder
	underscore := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if underscore && b.Len() > 0 {
				b.WriteByte('_')
			}
			underscore = false
			b.WriteRune(r)
		default:
			underscore = true
		}
	}
	return b.String()
}

// genericEndings are the bare symptom words a signature may end in only with a specific symptom.
var genericEndings = map[string]bool{
	"issue": true, "issues": true, "problem": true, "problems": true, "error": true, "errors": true,
}

// specificSymptoms name a symptom; one of them makes a generic ending acceptable.
var specificSymptoms = []string{
	"duplicate", "missing", "timeout", "permission", "encoding", "sync", "oauth", "connection",
	"upload", "loading", "video", "image", "crash", "slow", "blank", "stuck", "wrong", "freeze",
}

// CheckSpecific returns nil when sig names a specific issue, or the reason it does not.
func CheckSpecific(sig string) error {
	switch {
	case sig == "":
		return fmt.Errorf("signature is empty")
	case sig == "unclassified_needs_review", sig == "unknown_issue", sig == "other_issue", sig == "unknown", sig == "other":
		return fmt.Errorf("signature %q says nothing about the issue", sig)
	case strings.HasSuffix(sig, "_question"), strings.HasSuffix(sig, "_guidance"),
		strings.HasPrefix(sig, "general_"), strings.Contains(sig, "_interpretation_"):
		return fmt.Errorf("signature %q is generic (no *_question, *_guidance, general_*)", sig)
	}
	tokens := strings.Split(sig, "_")
	if len(tokens) < 2 {
		return fmt.Errorf("signature %q needs a feature and a symptom", sig)
	}
	if genericEndings[tokens[len(tokens)-1]] && !hasSymptom(tokens[:len(tokens)-1]) {
		return fmt.Errorf("signature %q ends in a bare %q without a specific symptom", sig, tokens[len(tokens)-1])
	}
	return nil
}

func hasSymptom(tokens []string) bool {
	for _, t := range tokens {
		for _, m := range specificSymptoms {
			if strings.HasPrefix(t, m) {
				return true
			}
		}
	}
	return false
}
