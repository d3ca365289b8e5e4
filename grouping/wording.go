package grouping

import (
	"slices"
	"strings"
)

// This file compares the wordings of signatures: two signatures of one product area that say the
// same thing in other words (reordered, inflected, a synonym, a word added) agree.

// wordClasses folds general support vocabulary (no product's words) to one class per meaning.
var wordClasses = classesOf(map[string][]string{
	"fail":      {"fail", "fails", "failed", "failing", "failure", "failures", "error", "errors", "broken", "break", "breaks", "bug", "bugs", "issue", "issues", "problem", "problems", "malfunction"},
	"missing":   {"missing", "lost", "lose", "loses", "losing", "disappear", "disappears", "disappeared", "disappearing", "vanish", "vanished", "vanishing", "gone", "absent", "dropped", "drop", "drops", "omitted", "omits"},
	"duplicate": {"duplicate", "duplicates", "duplicated", "duplication", "double", "doubled", "doubles", "dupe", "dupes", "twice"},
	"wrong":     {"wrong", "incorrect", "inaccurate", "erroneous", "mismatched"},
	"slow":      {"slow", "slowness", "sluggish", "lag", "lags", "lagging", "laggy", "latency", "delay", "delayed", "delays"},
	"timeout":   {"timeout", "timeouts", "hang", "hangs", "hanging"},
	"crash":     {"crash", "crashes", "crashed", "crashing"},
	"stuck":     {"stuck", "freeze", "freezes", "freezing", "froze", "frozen"},
	"recurring": {"recurring", "recur", "recurrent", "repeat", "repeating"},
	"login":     {"login", "logins", "signin", "logon"},
	"import":    {"import", "imports", "imported", "importing", "upload", "uploads", "uploaded", "uploading"},
	"delete":    {"delete", "deletes", "deleted", "deleting", "deletion", "remove", "removes", "removed", "removal", "erase"},
	"reject":    {"reject", "rejects", "rejected", "rejecting", "refuse", "refuses", "refused", "decline", "declined", "deny", "denies", "denied", "unauthorized", "unauthorised", "forbidden"},
	"email":     {"email", "emails", "mail", "mails"},
	"notify":    {"notification", "notifications", "notify", "notified"},
})

// classesOf maps every word of each class to the class.
func classesOf(classes map[string][]string) map[string]string {
	out := map[string]string{}
	for class, words := range classes {
		for _, w := range words {
			out[w] = class
		}
	}
	return out
}

// phraseClasses fold two-word phrases ("not_received") before the words are folded one by one.
var phraseClasses = map[[2]string]string{
	{"not", "received"}: "missing", {"not", "sent"}: "missing", {"not", "delivered"}: "missing",
	{"not", "arriving"}: "missing", {"never", "arrive"}: "missing", {"never", "arrives"}: "missing",
	{"not", "listed"}: "missing", {"not", "shown"}: "missing", {"not", "showing"}: "missing",
	{"not", "visible"}: "missing", {"not", "found"}: "missing", {"not", "saved"}: "missing",
	{"not", "working"}: "fail", {"not", "work"}: "fail", {"doesnt", "work"}: "fail", {"stopped", "working"}: "fail",
	{"not", "updating"}: "stuck", {"not", "updated"}: "stuck", {"not", "moving"}: "stuck", {"not", "progressing"}: "stuck",
	{"times", "out"}: "timeout", {"timed", "out"}: "timeout", {"time", "out"}: "timeout",
	{"too", "slow"}: "slow", {"sign", "in"}: "login", {"log", "in"}: "login",
}

// fillerWords carry no meaning of their own in a signature: function words, and the words a
// feature request wraps its feature in.
var fillerWords = map[string]bool{
	"a": true, "an": true, "the": true, "to": true, "of": true, "on": true, "in": true, "for": true,
	"with": true, "after": true, "when": true, "while": true, "and": true, "or": true, "from": true,
	"at": true, "by": true, "is": true, "are": true, "be": true, "via": true, "into": true,
	"keeps": true, "still": true, "anymore": true,
	"support": true, "option": true, "add": true, "ability": true, "allow": true, "request": true,
	"feature": true, "enable": true,
}

// stemSuffixes are stripped, the first that leaves at least minStem characters.
var stemSuffixes = []string{"ations", "ation", "ments", "ment", "ings", "ing", "ions", "ion", "ies", "ied", "ed", "es", "s", "e", "y"}

const (
	minStem = 3
	// maxWordingExtra is how many more words the longer of two agreeing wordings may have.
	maxWordingExtra = 2
	// minWordingWords: a wording shorter than this (after folding) agrees with nothing; a lone
	// word says too little to vouch for two groups being one issue.
	minWordingWords = 2
)

// stem strips one inflectional or derivational suffix (attaching, attachment → attach).
func stem(w string) string {
	if strings.HasSuffix(w, "ss") {
		return w
	}
	for _, suf := range stemSuffixes {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= minStem {
			return w[:len(w)-len(suf)]
		}
	}
	return w
}

// wording is a signature's folded words: phrases and words in their class, fillers dropped,
// the rest stemmed; sorted and without repeats.
func wording(sig string) []string {
	toks := strings.Split(sig, "_")
	out := make([]string, 0, len(toks))
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t == "" {
			continue
		}
		if i+1 < len(toks) {
			if c, ok := phraseClasses[[2]string{t, toks[i+1]}]; ok {
				out = append(out, c)
				i++
				continue
			}
		}
		if fillerWords[t] {
			continue
		}
		if c, ok := wordClasses[t]; ok {
			out = append(out, c)
			continue
		}
		s := stem(t)
		if c, ok := wordClasses[s]; ok {
			s = c
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// wordingsAgree: one folded wording holds all the words of the other, which has at least
// minWordingWords, and at most maxWordingExtra more. Two wordings that each have a word the
// other lacks (csv_export vs pdf_export) never agree: they may name different objects.
func wordingsAgree(a, b []int32) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(a) < minWordingWords || len(b)-len(a) > maxWordingExtra {
		return false
	}
	j := 0
	for _, w := range a { // both sorted: a ⊆ b
		for j < len(b) && b[j] < w {
			j++
		}
		if j == len(b) || b[j] != w {
			return false
		}
		j++
	}
	return true
}
