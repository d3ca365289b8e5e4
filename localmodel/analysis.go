package localmodel

import (
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
	terms    *termStats
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
	negated := 1.5 * negatedProgressives(subjectTokens)
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
		negated += negatedProgressives(tokens)
	}
	var symptomScore float64
	a.class, symptomScore = detectSymptom(a.subject, a.bodies)
	a.specific = symptomScore > 0
	a.scores = scoreTypes(a.subject, a.bodies, symptomScore, negated)
	a.convType = a.scores.conversationType()
	a.thanks = a.scores.thanks > 0
	a.deletion = a.anyCue(deleteCues)
	a.terms = analyzeTerms(p.Subject, a.customer)
	return a
}

// anyCue reports whether the subject or a customer message holds a cue of list.
func (a *analysis) anyCue(list []cue) bool {
	if hasCue(a.subject, list) {
		return true
	}
	for _, b := range a.bodies {
		if hasCue(b, list) {
			return true
		}
	}
	return false
}

// typeCues are the cues that show what a conversation of the detected type is about; sentences
// holding them make the symptoms and excerpts.
func (a *analysis) typeCues() []cue {
	switch a.convType {
	case extraction.TypeFeatureRequest:
		return requestCues
	case extraction.TypeHowToQuestion:
		return howToCues
	case extraction.TypeBillingQuestion:
		return concat(billingCues, allSymptomCues())
	case extraction.TypeAccountIssue:
		return concat(accountCues, allSymptomCues())
	case extraction.TypeSpam:
		return spamCues
	case extraction.TypeGeneralInquiry:
		return thanksCues
	}
	return concat(bugCues, allSymptomCues())
}
