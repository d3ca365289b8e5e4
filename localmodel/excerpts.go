package localmodel

import (
	"cmp"
	"regexp"
	"slices"
	"strings"

	"feedbackpipe/extraction"
)

// codePattern finds error codes and quoted messages: HTTP-like numbers, letter-digit codes such
// as E1042 or ERR_TIMEOUT_3, hex values, and text in quotes.
var codePattern = regexp.MustCompile(`\b(?:[A-Z][A-Z0-9]*_[A-Z0-9_]+|[A-Za-z]+-?\d{2,}[A-Za-z0-9]*|\d{3,}|0x[0-9a-fA-F]+)\b|"[^"]{3,120}"|\x{201C}[^\x{201D}]{3,120}\x{201D}`)

// scoredSentence is a customer sentence with how specific it is.
type scoredSentence struct {
	text   string
	score  int
	order  int
	hasCue bool // holds a cue of the type or a symptom
}

// customerSentences are the subject and the customer's sentences with at least two content
// words, scored: a code or quote 4, a cue of the type or a symptom 2, an object term 1.
func (a *analysis) customerSentences() []scoredSentence {
	list := a.typeCues()
	var out []scoredSentence
	seen := map[string]bool{}
	for _, text := range a.customer {
		for _, s := range sentences(text) {
			toks := tokenize(s)
			content := 0
			for _, t := range toks {
				if isContent(t) {
					content++
				}
			}
			if content < 2 || seen[s] {
				continue
			}
			seen[s] = true
			sc := scoredSentence{text: s, order: len(out)}
			if mayHoldCode(s) && codePattern.MatchString(s) {
				sc.score += 4
			}
			if list.in(cueSeq(toks)) {
				sc.score += 2
				sc.hasCue = true
			}
			for _, t := range toks {
				if a.terms.salience(t.stem) >= 0.5 && a.terms.objectCandidate(t.stem) {
					sc.score++
					break
				}
			}
			out = append(out, sc)
		}
	}
	slices.SortStableFunc(out, func(x, y scoredSentence) int { return cmp.Compare(y.score, x.score) })
	return out
}

// excerpts are up to five verbatim customer sentences, most specific first.
func (a *analysis) excerpts() []string {
	out := []string{}
	for _, s := range a.customerSentences() {
		if len(out) == extraction.MaxKeyExcerpts {
			break
		}
		out = append(out, clip(s.text, extraction.MaxExcerptChars))
	}
	return out
}

// symptoms are two to four short statements: the customer's sentences that hold a cue of the
// type or a symptom, topped up with statements derived from the type and component.
func (a *analysis) symptoms(comp string) []string {
	var out []string
	add := func(s string) {
		s = truncateRunes(strings.TrimSpace(s), 200)
		if s != "" && len(out) < extraction.MaxSymptoms && !slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, s) }) {
			out = append(out, s)
		}
	}
	for _, s := range a.customerSentences() {
		if s.hasCue {
			add(s.text)
		}
	}
	if subject := a.prompt.Subject; len(out) < extraction.MinSymptoms && a.typeCues().in(a.subject) {
		add(subject)
	}
	for _, s := range a.derivedSymptoms(comp) {
		if len(out) >= extraction.MinSymptoms {
			break
		}
		add(s)
	}
	return out
}

// derivedSymptoms are generic statements for a type, used when the customer's own sentences are
// too few.
func (a *analysis) derivedSymptoms(comp string) []string {
	switch a.convType {
	case extraction.TypeFeatureRequest:
		return []string{"No way to use " + comp + " today", "Customer has to work around the missing " + comp}
	case extraction.TypeHowToQuestion:
		return []string{"Customer cannot find how to use " + comp, "Guidance for " + comp + " is unclear"}
	case extraction.TypeBillingQuestion:
		return []string{"Billing question about " + comp, "Customer needs the charges explained"}
	case extraction.TypeAccountIssue:
		return []string{"Account access or settings problem: " + comp, "Customer cannot manage this without support"}
	case extraction.TypeGeneralInquiry:
		return []string{"No defect reported", "General message about " + comp}
	case extraction.TypeSpam:
		return []string{"Unsolicited promotional content", "No product feedback"}
	}
	return []string{capitalize("the " + comp + " " + a.class.verb), "Customer cannot rely on the " + comp}
}

// quotedCodes are the distinct error codes and quoted messages in the customer's text, at most five.
func (a *analysis) quotedCodes() []string {
	var out []string
	for _, text := range a.customer {
		if !mayHoldCode(text) {
			continue
		}
		for _, c := range codePattern.FindAllString(text, -1) {
			if !slices.Contains(out, c) && len(out) < 5 {
				out = append(out, c)
			}
		}
	}
	return out
}

// mayHoldCode is a cheap test that codePattern cannot match s without: each of its forms holds
// two digits in a row, an underscore, "0x" or a quote.
func mayHoldCode(s string) bool {
	return hasDigitRun(s, 2) || strings.ContainsAny(s, "_\"\u201C") || strings.Contains(s, "0x")
}
