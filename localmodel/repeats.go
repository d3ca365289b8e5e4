package localmodel

// Customers say what they did more than once to show they tried: "I invited my accountant twice",
// "tried twice, still nothing". That "twice" is the customer's repetition, not a duplicate the
// product made, so it is read as "again". The action is the clause's first verb, with "I" or "we"
// (and an auxiliary) before it or no subject at all; "I was charged twice" and "the invoice went
// out twice" keep their duplicate.
var (
	// repeatCues are the actions a customer repeats when something does not work.
	repeatCues = cues(1, "tried", "try", "asked", "invited", "reinvited", "contacted", "emailed", "called",
		"phoned", "messaged", "wrote", "restarted", "reinstalled", "rebooted", "retried", "refreshed",
		"reconnected", "logged", "entered", "typed", "requested", "checked", "resent", "reset", "followed")
	// firstPerson are the subjects of the customer's own actions.
	firstPerson = surfaceSet("i we ive weve")
	// clauseOpeners come before a clause's subject or verb without being either.
	clauseOpeners = surfaceSet("hi hello hey hiya team there all guys folks so and but then also ok okay already even just have has had")
	twiceStem     = stem("twice")
	// conjunctions start a clause that may have its own subject ("tried it and the export ran twice").
	conjunctions = surfaceSet("and but then so when because after while")
)

// customerRepeats reads every "twice" of the customer's own action as "again", in place. The
// tokens' stems are read through cue typos already (see cueSeq), so "twise" is "twice" here.
func customerRepeats(tokens []token) {
	start := 0
	for i, t := range tokens {
		if t.brk || conjunctions[t.surface] {
			start = i
		}
		if t.stem == twiceStem && repeatCues.has(clauseVerb(tokens[start:i])) {
			tokens[i] = token{surface: "again", stem: "again", brk: t.brk}
		}
	}
}

// clauseVerb is the stem of the clause's first verb when its subject is the customer or missing:
// the word after the openers and "I" or "we". "" when the clause has another subject first.
func clauseVerb(clause []token) string {
	i := 0
	skip := func() {
		for i < len(clause) && clauseOpeners[clause[i].surface] {
			i++
		}
	}
	skip()
	if i < len(clause) && firstPerson[clause[i].surface] {
		i++
		skip()
	}
	if i >= len(clause) {
		return ""
	}
	return clause[i].stem
}

// has reports whether the list holds the one-word cue w.
func (l cueList) has(w string) bool {
	for _, c := range l.byFirst[w] {
		if len(l.cues[c].words) == 1 {
			return true
		}
	}
	return false
}
