package localmodel

import (
	"strings"

	"feedbackpipe/conversation"
	"feedbackpipe/extraction"
)

// analysis is everything the heuristics derive from one parsed prompt.
type analysis struct {
	prompt   extraction.ParsedPrompt
	customer []string   // the customer's messages (every message when none is the customer's)
	replies  [][]string // stems of the support team's replies
	subject  []string   // stems of the subject
	bodies   [][]string // stems of the customer's messages
	effects  [][]string // the bodies' effect clauses (effectClauses)
	terms    *termStats
	codes    codeSet      // error codes quoted by the customer
	class    symptomClass // most likely symptom class (classFails when none is specific)
	specific bool         // a specific symptom class was recognised
	scores   typeScores
	convType string
	thanks   bool // the customer thanks the team
	deletion bool // the customer asks to delete or close something of theirs
}

// analyze reads the conversation of a parsed prompt.
func analyze(p extraction.ParsedPrompt) *analysis {
	subjectTokens := tokenize(p.Subject)
	a := &analysis{prompt: p, subject: cueSeq(subjectTokens)}
	cueWeight, termWeight := 1.5, subjectWeight
	if isReply(p.Subject) { // an inherited subject says less about this message
		cueWeight, termWeight = 0.5, 1
	}
	negated := cueWeight * negatedProgressives(subjectTokens)
	bodyNegated := 0.0
	for _, m := range p.Messages {
		switch m.Author {
		case conversation.Customer:
			a.customer = append(a.customer, m.Text)
		case conversation.Support:
			a.replies = append(a.replies, cueSeq(tokenize(m.Text)))
		}
	}
	if len(a.customer) == 0 {
		for _, m := range p.Messages {
			a.customer = append(a.customer, m.Text)
		}
	}
	for _, text := range a.customer {
		tokens := tokenize(text)
		a.bodies = append(a.bodies, cueSeq(tokens))
		a.effects = append(a.effects, effectClauses(text, tokens)...)
		bodyNegated += negatedProgressives(tokens)
	}
	negated += bodyNegated
	var symptomScore float64
	a.class, symptomScore = detectSymptom(a.subject, a.bodies, a.effects, cueWeight)
	if a.class.name == "duplicate" && a.anyCue(countCues) {
		a.class, _ = symptomByName("wrong_value") // "the report counts some invoices twice": a wrong total
	}
	a.specific = symptomScore > 0
	a.scores = scoreTypes(a.subject, a.bodies, cueWeight, symptomScore, negated)
	_, bodySymptom := detectSymptom(nil, a.bodies, a.effects, 0)
	messagesOnly := scoreTypes(nil, a.bodies, 0, bodySymptom, bodyNegated)
	if !isReply(p.Subject) {
		// the subject was written for these messages: a "ty" closing them does not turn the
		// subject's report into a thank-you
		messagesOnly = a.scores
	}
	a.convType = a.scores.conversationType(messagesOnly)
	a.thanks = a.scores.thanks > 0
	a.deletion = a.anyCue(deleteCues)
	var stripped []string
	a.codes, stripped = collectCodes(append([]string{p.Subject}, a.customer...)...)
	a.terms = analyzeTerms(stripped[0], termWeight, stripped[1:])
	return a
}

// isReply reports a subject carried over from an earlier thread ("Re: ...", "Fwd: ...").
func isReply(subject string) bool {
	head, _, ok := strings.Cut(strings.TrimSpace(subject), ":")
	if !ok {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(head)) {
	case "re", "fw", "fwd", "aw", "sv", "wg", "tr":
		return true
	}
	return false
}

// anyCue reports whether the subject or a customer message holds a cue of list.
func (a *analysis) anyCue(list cueList) bool {
	if list.in(a.subject) {
		return true
	}
	for _, b := range a.bodies {
		if list.in(b) {
			return true
		}
	}
	return false
}

// typeCues are the cues that show what a conversation of the detected type is about; sentences
// holding them make the symptoms and excerpts.
func (a *analysis) typeCues() cueList {
	switch a.convType {
	case extraction.TypeFeatureRequest:
		return requestCues
	case extraction.TypeHowToQuestion:
		return howToCues
	case extraction.TypeBillingQuestion:
		return billingSymptomCues
	case extraction.TypeAccountIssue:
		return accountSymptomCues
	case extraction.TypeSpam:
		return spamCues
	case extraction.TypeGeneralInquiry:
		return thanksCues
	}
	return bugSymptomCues
}
