package conversation

import (
	"strings"
	"unicode"
)

// Digest is the text embedded for a conversation: its subject, the first customer message and
// the most specific later customer message (the one with error codes, quotes or numbers), bounded
// to maxChars. Support and bot messages are left out: they describe the fix, not the problem.
// A conversation without customer text has an empty digest (a subject alone, often written by
// support or a bot, says nothing of the customer's problem): it is not worth embedding.
func (c *Conversation) Digest(maxChars int) string {
	var customer []string
	for _, m := range c.Messages {
		if t := strings.TrimSpace(m.Text); m.Author == Customer && t != "" {
			customer = append(customer, t)
		}
	}
	if len(customer) == 0 {
		return ""
	}
	parts := []string{strings.TrimSpace(c.Subject)}
	if len(customer) > 0 {
		parts = append(parts, customer[0])
	}
	best, bestScore := "", 0
	for _, m := range customer[min(1, len(customer)):] {
		if s := specificity(m); s > bestScore {
			best, bestScore = m, s
		}
	}
	if best != "" {
		parts = append(parts, best)
	}
	text := strings.Join(strings.Fields(strings.Join(parts, "\n")), " ")
	if r := []rune(text); len(r) > maxChars {
		text = string(r[:maxChars])
	}
	return text
}

// specificity scores how much a message says about the problem: digits (codes, versions),
// quotes, and plain length up to a point.
func specificity(s string) int {
	score := min(len(s)/40, 5)
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			score++
		case r == '"' || r == '\'' || r == '`':
			score += 2
		}
	}
	return score
}
