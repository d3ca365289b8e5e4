package localmodel

import (
	"cmp"
	"slices"
	"strings"

	"feedbackpipe/extraction"
)

// Signature suffixes for types other than product issues (which use a symptom class).
const (
	kindRequest  = "request"
	kindHowTo    = "howto"
	kindBilling  = "billing"
	kindAccess   = "access"
	kindInquiry  = "inquiry"
	kindFeedback = "feedback"
	kindSpam     = "spam"
)

// Thresholds for reusing a known signature.
const (
	minCoverage       = 0.6  // share of the known signature's object tokens found in the conversation
	minPairScore      = 2.3  // weighted score of two or more matching tokens
	minSingleSalience = 0.45 // salience of the only object token of a one-token signature
)

// sigShape is a signature split into its object tokens and the kind its affix says it is.
type sigShape struct {
	object []string // object tokens as written
	kind   string   // a symptom class name, one of the kind* constants, or "" when unrecognised
}

// parseSignature recognises the affixes this model mints (symptom classes, "_request",
// "how_to_", ...) and keeps the rest as the object. Signatures minted elsewhere parse too: their
// kind is "" and symptom words are simply not object tokens.
func parseSignature(sig string) sigShape {
	toks := strings.FieldsFunc(sig, func(r rune) bool { return r == '_' })
	switch {
	case len(toks) > 2 && toks[0] == "how" && toks[1] == "to":
		return sigShape{toks[2:], kindHowTo}
	case len(toks) > 1 && toks[0] == kindSpam:
		return sigShape{toks[1:], kindSpam}
	}
	for _, c := range symptomClasses {
		suffix := strings.Split(c.name, "_")
		if len(toks) > len(suffix) && slices.Equal(toks[len(toks)-len(suffix):], suffix) {
			return sigShape{toks[:len(toks)-len(suffix)], c.name}
		}
	}
	if n := len(toks); n > 1 {
		switch last := toks[n-1]; last {
		case kindRequest, kindHowTo, kindBilling, kindAccess, kindInquiry, kindFeedback:
			return sigShape{toks[:n-1], last}
		}
	}
	return sigShape{toks, ""}
}

// objectStems are the distinct stems of the object tokens that can name a thing.
func (s sigShape) objectStems() []string {
	var out []string
	for _, t := range s.object {
		st := stem(t)
		if len(t) < 2 || stopwords[t] || genericWords[st] || symptomWords[t] || slices.Contains(out, st) {
			continue
		}
		out = append(out, st)
	}
	return out
}

// compatibility scales a known signature's score by how well its kind fits the conversation:
// 1 for the same kind (or an unrecognised one), less for a different symptom of a related type,
// 0 across kinds (a feature request never reuses a bug's signature). A vague conversation (a
// general inquiry without thanks: no cue says what it is) may reuse any kind but spam, at a
// discount, since its terms are then the only evidence.
func compatibility(known string, convType string, class symptomClass, specific, vague bool) float64 {
	bugLike := convType == extraction.TypeProductIssue || convType == extraction.TypeBillingQuestion ||
		convType == extraction.TypeAccountIssue
	switch {
	case known == "":
		return 1
	case vague && known != kindSpam && known != kindInquiry && known != kindFeedback:
		return 0.8
	}
	switch known {
	case kindRequest:
		return boolScore(convType == extraction.TypeFeatureRequest, 1)
	case kindHowTo:
		return boolScore(convType == extraction.TypeHowToQuestion, 1)
	case kindSpam:
		return boolScore(convType == extraction.TypeSpam, 1)
	case kindInquiry, kindFeedback:
		return boolScore(convType == extraction.TypeGeneralInquiry, 1)
	case kindBilling:
		return cmp.Or(boolScore(convType == extraction.TypeBillingQuestion, 1), boolScore(bugLike, 0.7))
	case kindAccess:
		return cmp.Or(boolScore(convType == extraction.TypeAccountIssue, 1), boolScore(bugLike, 0.7))
	}
	if !bugLike {
		return 0
	}
	if known == class.name || (known == classFails && !specific) {
		return 1
	}
	if k, ok := symptomByName(known); ok && specific && opposite(k.direction, class.direction) {
		return 0 // "bookings not showing up in Google Calendar" is no google_calendar_duplicate
	}
	return 0.8 // a different specific symptom, or a vague one against a specific signature
}

// opposite reports two polar directions that need opposite fixes: too many and none.
func opposite(a, b string) bool {
	return a == "excess" && b == "deficit" || a == "deficit" && b == "excess"
}

func boolScore(ok bool, v float64) float64 {
	if ok {
		return v
	}
	return 0
}

// knownMatch is a known signature chosen for reuse.
type knownMatch struct {
	known      extraction.KnownSignature
	shape      sigShape
	code       bool // the signature names an error code the customer quotes
	score      float64
	coverage   float64
	confidence string
}

// evidence is what a conversation offers for matching known signatures.
type evidence struct {
	terms    *termStats
	codes    codeSet
	convType string
	class    symptomClass
	specific bool // class was recognised from a specific cue
	vague    bool // no cue says what the conversation is
}

// matchKnown scores every known signature against the conversation and returns the best one
// that qualifies. Each object token found among the salient terms weighs 1 plus its salience, a
// shared error code 3. A signature qualifies when
//   - it names an error code the customer quotes, and (unless the code has four digits or more,
//     unlike HTTP statuses) another object token, or
//   - at least 60% and two of its object tokens occur, well enough (all salient when the kinds
//     differ and the conversation is not vague), or
//   - its only object token is among the conversation's most salient terms and its kind is the
//     conversation's (or the conversation is vague), or
//   - it has the same specific symptom class and half of its object tokens, one of them salient.
//
// A signature naming a code is never reused for a conversation quoting other codes only. A
// shared code wins over any wording; otherwise the best score, scaled by kind compatibility.
func matchKnown(known []extraction.KnownSignature, ev evidence) (knownMatch, bool) {
	var best knownMatch
	found := false
	for _, k := range known {
		m, ok := scoreKnown(k, ev)
		if ok && (!found || better(m, best)) {
			best, found = m, true
		}
	}
	return best, found
}

func scoreKnown(k extraction.KnownSignature, ev evidence) (knownMatch, bool) {
	shape := parseSignature(k.Signature)
	objs := shape.objectStems()
	compat := compatibility(shape.kind, ev.convType, ev.class, ev.specific, ev.vague)
	if len(objs) == 0 || compat == 0 {
		return knownMatch{}, false
	}
	var matched, words int
	var score, salience, minSal, maxSal float64
	minSal = 1
	codeMatched, codeConflict := false, false
	for _, s := range objs {
		if isCodeToken(s) {
			switch {
			case ev.codes.has(s):
				matched++
				score += 3
				codeMatched = true
			case !ev.codes.empty():
				codeConflict = true
			}
			continue
		}
		if t := ev.terms.lookup(s); t != "" {
			sal := ev.terms.salience(t)
			matched++
			words++
			score += 1 + sal
			salience += sal
			minSal, maxSal = min(minSal, sal), max(maxSal, sal)
		}
	}
	if codeConflict && !codeMatched {
		return knownMatch{}, false
	}
	coverage := float64(matched) / float64(len(objs))
	sameClass := ev.specific && shape.kind == ev.class.name
	m := knownMatch{known: k, shape: shape, score: score * compat, coverage: coverage, confidence: "medium"}
	switch {
	case codeMatched && (len(objs) == 1 || matched >= 2 || len(ev.codes.primary) >= 4):
		m.code, m.confidence = true, "high"
		return m, true
	case coverage >= minCoverage && matched >= 2 && score >= minPairScore && (compat == 1 || ev.vague || minSal >= 0.5):
	case len(objs) == 1 && matched == 1 && (compat == 1 || ev.vague) && salience >= minSingleSalience:
	case sameClass && coverage >= 0.5 && maxSal >= 0.5:
	default:
		return knownMatch{}, false
	}
	if coverage == 1 && compat == 1 && words > 0 && salience/float64(words) >= 0.3 {
		m.confidence = "high"
	}
	return m, true
}

func better(a, b knownMatch) bool {
	if a.code != b.code {
		return a.code
	}
	return cmp.Or(cmp.Compare(a.score, b.score), cmp.Compare(a.coverage, b.coverage),
		cmp.Compare(a.known.Count, b.known.Count), cmp.Compare(b.known.Signature, a.known.Signature)) > 0
}

// fallbackObject names the affected thing when the conversation has no usable term.
func fallbackObject(convType string, thanks bool) string {
	switch convType {
	case extraction.TypeHowToQuestion:
		return "product_usage"
	case extraction.TypeBillingQuestion:
		return "charges"
	case extraction.TypeAccountIssue:
		return "account"
	case extraction.TypeSpam:
		return "unsolicited_offer"
	case extraction.TypeGeneralInquiry:
		if thanks {
			return "overall_experience"
		}
		return "product_information"
	}
	return "product"
}

// mintSignature builds a new signature: <object>[_<code>]_<symptom> for product issues (and
// billing or account conversations with a specific symptom), <object>_request, how_to_<object>,
// <object>_billing, <object>_access, <object>_inquiry or _feedback, spam_<object>.
func mintSignature(object, code, convType string, class symptomClass, specific, thanks bool) string {
	if code != "" && convType == extraction.TypeProductIssue {
		object += "_" + code
	}
	var sig string
	switch {
	case convType == extraction.TypeFeatureRequest:
		sig = joinSig(object, kindRequest)
	case convType == extraction.TypeHowToQuestion:
		sig = "how_to_" + object
	case convType == extraction.TypeSpam:
		sig = kindSpam + "_" + object
	case convType == extraction.TypeGeneralInquiry && thanks:
		sig = joinSig(object, kindFeedback)
	case convType == extraction.TypeGeneralInquiry:
		sig = joinSig(object, kindInquiry)
	case convType == extraction.TypeBillingQuestion && !specific:
		sig = joinSig(object, kindBilling)
	case convType == extraction.TypeAccountIssue && !specific:
		sig = joinSig(object, kindAccess)
	default:
		sig = joinSig(object, class.name)
	}
	if rest, ok := strings.CutPrefix(sig, "general_"); ok && strings.Contains(rest, "_") {
		sig = rest
	}
	return clip(sig, 120)
}

// joinSig appends suffix to object. An object that already ends with the suffix keeps it once
// ("invoice_billing"), but a signature never shrinks to one bare word ("billing_topic").
func joinSig(object, suffix string) string {
	switch {
	case object == suffix:
		return object + "_topic"
	case strings.HasSuffix(object, "_"+suffix):
		return object
	}
	return object + "_" + suffix
}
