package localmodel

import (
	"fmt"
	"strings"

	"feedbackpipe/extraction"
)

// identity is the signature decision for a conversation.
type identity struct {
	signature   string
	productArea string
	component   string
	matched     bool
	confidence  string
}

// identify reuses the best known signature that fits, or mints a new one.
func (a *analysis) identify() identity {
	ev := evidence{terms: a.terms, codes: a.codes, convType: a.convType, class: a.class, specific: a.specific,
		vague: a.convType == extraction.TypeGeneralInquiry && !a.thanks}
	if m, ok := matchKnown(a.prompt.Known, ev); ok {
		id := identity{signature: m.known.Signature, matched: true, confidence: m.confidence}
		var object []string
		for _, t := range m.shape.object {
			if !isCodeToken(t) {
				object = append(object, t)
			}
		}
		id.component = strings.Join(object, "_")
		id.productArea = strings.TrimSpace(m.known.ProductArea)
		if id.productArea == "" && len(m.shape.object) > 0 {
			id.productArea = m.shape.object[0]
		}
		if c, ok := symptomByName(m.shape.kind); ok && !a.specific {
			a.class = c // the known signature names the symptom the customer left vague
		}
		return id
	}
	obj := a.terms.object()
	for _, o := range impliedObjects {
		if a.class.name == o.class && a.anyCue(o.cues) {
			obj = []string{o.object}
			break
		}
	}
	spell := knownSpellings(a.prompt.Known)
	var words []string
	for _, s := range obj {
		if w := spell.fix(a.terms.display(s)); w != "" {
			words = append(words, w)
		}
	}
	object := strings.Join(words, "_")
	if object == "" {
		object = fallbackObject(a.convType, a.thanks)
	}
	area := object
	if len(obj) > 0 {
		// the coarse area is the more salient of the object's words
		head := obj[0]
		if len(obj) > 1 && a.terms.score[obj[1]] > a.terms.score[head] {
			head = obj[1]
		}
		if w := spell.fix(a.terms.display(head)); w != "" {
			area = w
		}
	}
	// A new signature built from a salient object and a specific symptom is as trustworthy as a
	// heuristic gets (medium); one built from a fallback object or a vague complaint is low.
	confidence := "low"
	if len(obj) > 0 && (a.specific || a.convType != extraction.TypeProductIssue) {
		confidence = "medium"
	}
	return identity{
		signature:   mintSignature(object, a.codes.primary, a.convType, a.class, a.specific, a.thanks),
		productArea: area,
		component:   object,
		confidence:  confidence,
	}
}

// impliedObjects name the object a failure implies, whatever the customer names: what a charge
// duplicates is the charge, whatever was bought ("charged twice for one booking"); a time given
// twice is the slot's duplicate, whoever or whatever was booked ("two clients booked the same
// slot", "double booked for one groomer"); times shown an hour off are read in the wrong zone,
// whatever shows them ("every booking shows an hour later"). The first that applies wins.
var impliedObjects = []struct {
	class  string
	cues   cueList
	object string
}{
	{"duplicate", chargeCues, "charge"},
	{"duplicate", slotCues, "slot"},
	{"wrong_value", clockCues, "timezone"},
}

// theme builds the full Theme of the conversation.
func (a *analysis) theme() extraction.Theme {
	id := a.identify()
	comp := strings.ReplaceAll(id.component, "_", " ")
	action, direction := a.action()
	res := detectResolution(a.replies)
	t := extraction.Theme{
		ConversationType:    a.convType,
		ProductArea:         clip(id.productArea, 80),
		Component:           clip(id.component, 80),
		IssueSignature:      id.signature,
		MatchedExisting:     id.matched,
		MatchConfidence:     id.confidence,
		UserIntent:          truncateRunes(a.intent(comp), extraction.MaxShortTextChars),
		Symptoms:            a.symptoms(comp),
		AffectedFlow:        truncateRunes(a.flow(id.component, id.productArea), extraction.MaxShortTextChars),
		RootCauseHypothesis: truncateRunes(a.rootCause(comp), extraction.MaxShortTextChars),
		KeyExcerpts:         a.excerpts(),
		ActionType:          action,
		Direction:           direction,
		ResolutionAction:    res.action,
		ResolutionCategory:  res.category,
	}
	t.DiagnosticSummary = truncateRunes(a.summary(t, comp, res), extraction.MaxLongTextChars)
	return t
}

// intent is what the customer needs, in a backlog item's words, built from the type and the object.
func (a *analysis) intent(comp string) string {
	switch a.convType {
	case extraction.TypeFeatureRequest:
		return fmt.Sprintf("Support %s", comp)
	case extraction.TypeHowToQuestion:
		return fmt.Sprintf("Learn how to use %s", comp)
	case extraction.TypeBillingQuestion:
		if a.specific {
			return fmt.Sprintf("Wants a billing error fixed: the %s %s.", comp, a.class.verb)
		}
		return fmt.Sprintf("Wants a billing question about %s answered.", comp)
	case extraction.TypeAccountIssue:
		if a.deletion {
			return "Wants their account or data deleted."
		}
		return fmt.Sprintf("Wants to regain or change account access (%s).", comp)
	case extraction.TypeGeneralInquiry:
		if a.thanks {
			return fmt.Sprintf("Shares positive feedback about %s.", comp)
		}
		return fmt.Sprintf("Asks a general question about %s.", comp)
	case extraction.TypeSpam:
		return "Sends an unsolicited promotional offer."
	}
	return capitalize(fmt.Sprintf("%s %s", comp, a.class.verb))
}

// action maps the type (and symptom) to action_type and direction.
func (a *analysis) action() (string, string) {
	switch a.convType {
	case extraction.TypeProductIssue:
		return "bug_report", a.class.direction
	case extraction.TypeFeatureRequest:
		return "feature_request", "creation"
	case extraction.TypeHowToQuestion:
		return "how_to_question", "neutral"
	case extraction.TypeBillingQuestion:
		if a.specific {
			return "complaint", a.class.direction
		}
		return "inquiry", "neutral"
	case extraction.TypeAccountIssue:
		if a.deletion {
			return "delete_request", "deletion"
		}
		return "account_change", "modification"
	case extraction.TypeSpam:
		return "unknown", "neutral"
	}
	return "inquiry", "neutral"
}

// rootCause is a hypothesis from the symptom class (or the type) about the component.
func (a *analysis) rootCause(comp string) string {
	switch a.convType {
	case extraction.TypeFeatureRequest:
		return fmt.Sprintf("The product does not offer %s yet.", comp)
	case extraction.TypeHowToQuestion:
		return fmt.Sprintf("How to use %s is not discoverable in the product or its documentation.", comp)
	case extraction.TypeGeneralInquiry, extraction.TypeSpam:
		return "No product defect is indicated."
	case extraction.TypeBillingQuestion, extraction.TypeAccountIssue:
		if !a.specific {
			return fmt.Sprintf("The customer cannot resolve %s through self-service.", comp)
		}
	}
	return capitalize(fmt.Sprintf(a.class.cause, comp))
}

// flowCues open a clause that says what the customer was doing.
var flowCues = []string{"when ", "whenever ", "while ", "after ", "during ", "every time ", "each time ", "trying to ", "try to "}

// flow is the clause of the first customer sentence that says what the customer was doing, or
// the component and area.
func (a *analysis) flow(component, area string) string {
	for _, text := range a.customer {
		for _, s := range sentences(text) {
			if i := indexAnyFold(s, flowCues); i >= 0 {
				return capitalize(strings.TrimRight(truncateRunes(s[i:], 200), ".!?,; "))
			}
		}
	}
	comp := strings.ReplaceAll(component, "_", " ")
	if area != "" && !strings.Contains(component, area) {
		return fmt.Sprintf("Using %s (%s)", comp, area)
	}
	return "Using " + comp
}

// indexAnyFold finds the earliest cue that starts a word of s, ignoring ASCII case; -1 if none.
func indexAnyFold(s string, list []string) int {
	for i := 0; i < len(s); i++ {
		if i > 0 && isWordByte(s[i-1]) {
			continue
		}
		for _, c := range list {
			if len(s)-i >= len(c) && strings.EqualFold(s[i:i+len(c)], c) {
				return i
			}
		}
	}
	return -1
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b >= 0x80
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	if c := s[0]; c >= 'a' && c <= 'z' {
		return string(c-'a'+'A') + s[1:]
	}
	return s
}

// summary is written for the engineer who will fix it.
func (a *analysis) summary(t extraction.Theme, comp string, res resolution) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s in %s (component: %s). %s", typeLabel(t.ConversationType), t.ProductArea, comp, t.UserIntent)
	if len(t.Symptoms) > 0 {
		fmt.Fprintf(&b, " Reported: %s", strings.Join(t.Symptoms, "; "))
		if !strings.HasSuffix(b.String(), ".") {
			b.WriteString(".")
		}
	}
	fmt.Fprintf(&b, " Flow: %s.", t.AffectedFlow)
	if codes := a.quotedCodes(); len(codes) > 0 {
		fmt.Fprintf(&b, " Error codes or quoted messages: %s.", strings.Join(codes, ", "))
	}
	fmt.Fprintf(&b, " Hypothesis: %s", t.RootCauseHypothesis)
	fmt.Fprintf(&b, " Support outcome: %s.", strings.ReplaceAll(res.action, "_", " "))
	if t.MatchedExisting {
		fmt.Fprintf(&b, " Matches known signature %s (%s confidence).", t.IssueSignature, t.MatchConfidence)
	} else {
		fmt.Fprintf(&b, " New signature %s.", t.IssueSignature)
	}
	return b.String()
}

func typeLabel(convType string) string {
	return capitalize(strings.ReplaceAll(convType, "_", " "))
}
