package localmodel

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one word of a text.
type token struct {
	surface string // lower case, apostrophes removed ("doesn't" -> "doesnt")
	stem    string // light stem of surface
	brk     bool   // a clause or sentence break (punctuation, line end) precedes the word
}

// tokenize splits text into lower-case words of letters and digits (a common foreign support
// noun becomes its English word, see foreignNouns). Apostrophes inside words are
// dropped so contractions become one word, and a French elided article before one is dropped
// with it ("l'installation" is "installation"); any other non-alphanumeric rune separates words, and
// punctuation other than hyphens, slashes and underscores also marks a clause break.
func tokenize(text string) []token {
	var out []token
	var b strings.Builder
	brk := true
	flush := func() {
		if b.Len() == 0 {
			return
		}
		w := english(b.String())
		out = append(out, token{surface: w, stem: stem(w), brk: brk})
		b.Reset()
		brk = false
	}
	for _, r := range text {
		switch {
		case r == '\'' || r == '\u2019' || r == '\u2018':
			if elided[b.String()] {
				b.Reset() // "l'installation" is "installation"
			}
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		case unicode.IsSpace(r) && r != '\n':
			flush()
		case r == '-' || r == '/' || r == '_':
			flush()
		default:
			flush()
			brk = true
		}
	}
	flush()
	return out
}

// elided are the French and Italian articles and pronouns written before an apostrophe and the
// next word ("l'installation", "d'accès", "qu'il"): dropped, so the word keeps its own spelling
// instead of merging with them. No English word ends at an apostrophe this short.
var elided = map[string]bool{"l": true, "d": true, "j": true, "n": true, "s": true, "c": true,
	"m": true, "t": true, "qu": true}

// stem is a light English stemmer: plural -s/-es/-ies, -ing/-ed with consonant undoubling, and a
// final silent e, so that "saves", "saved", "saving" and "save" all become "sav".
func stem(w string) string {
	if utf8.RuneCountInString(w) <= 3 || isDigits(w) {
		return w
	}
	w = dropPlural(w)
	w = restoreIng(w)
	switch {
	case strings.HasSuffix(w, "ied") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "ing") && stemmable(w[:len(w)-3]):
		w = undouble(w[:len(w)-3])
	case strings.HasSuffix(w, "ed") && !strings.HasSuffix(w, "eed") && stemmable(w[:len(w)-2]):
		w = undouble(w[:len(w)-2])
	}
	if len(w) > 3 && strings.HasSuffix(w, "e") && !strings.HasSuffix(w, "ee") {
		w = w[:len(w)-1]
	}
	return w
}

// restoreIng puts back the "i" of an "-ing" typed without it ("failng", "countng"): no English
// word ends in a consonant and "ng".
func restoreIng(w string) string {
	n := len(w)
	if n < 5 || !strings.HasSuffix(w, "ng") || strings.ContainsRune("aeiouyn", rune(w[n-3])) {
		return w
	}
	return w[:n-2] + "ing"
}

// dropPlural removes a plural ending: -ies -> -y, -sses -> -ss, -s (not -ss, -us, -is).
func dropPlural(w string) string {
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
		return w
	case strings.HasSuffix(w, "s") && len(w) > 3:
		return w[:len(w)-1]
	}
	return w
}

// singular is the display form of a plural surface word: "invoices" -> "invoice",
// "batches" -> "batch", "companies" -> "company".
func singular(w string) string {
	if utf8.RuneCountInString(w) <= 3 {
		return w
	}
	for _, suf := range []string{"xes", "ches", "shes", "zes"} {
		if strings.HasSuffix(w, suf) {
			return w[:len(w)-2]
		}
	}
	return dropPlural(w)
}

// stemmable reports whether what is left after removing a suffix still looks like a word.
func stemmable(rest string) bool {
	return len(rest) >= 3 && strings.ContainsAny(rest, "aeiouy")
}

// undouble turns a doubled final consonant into a single one ("stopp" -> "stop"), except l, s, z.
func undouble(w string) string {
	n := len(w)
	if n >= 4 && w[n-1] == w[n-2] && !strings.ContainsRune("aeioulsz", rune(w[n-1])) {
		return w[:n-1]
	}
	return w
}

func isDigits(w string) bool {
	for _, r := range w {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return w != ""
}

// sentences splits text into trimmed sentences at . ! ? followed by a space, and at line ends.
func sentences(text string) []string {
	var out []string
	start := 0
	emit := func(end int) {
		if s := strings.TrimSpace(text[start:end]); s != "" {
			out = append(out, s)
		}
		start = end
	}
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '\n':
			emit(i + 1)
		case c == '.' || c == '!' || c == '?':
			if i+1 == len(text) || text[i+1] == ' ' || text[i+1] == '\n' || text[i+1] == '\t' {
				emit(i + 1)
			}
		}
	}
	emit(len(text))
	return out
}

// truncateRunes cuts s to at most n runes, at a word boundary when one is near, marking the cut
// with "...".
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:max(n-3, 0)]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:") + "..."
}

// clip cuts s to at most n runes without any marker (for verbatim excerpts).
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// approxTokens estimates tokens as characters / 4, at least 1 for non-empty text.
func approxTokens(chars int) int {
	if chars <= 0 {
		return 0
	}
	return (chars + 3) / 4
}
