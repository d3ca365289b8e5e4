package localmodel

import (
	"strings"

	"feedbackpipe/extraction"
)

// Cue phrases of each conversation type. They describe how customers phrase a need, in general
// English; none names a product or an industry.
var (
	bugCues = concat(
		cues(1, "error", "crash", "broken", "fail", "failure", "not working", "doesnt work", "stopped working",
			"wont work", "stuck", "bug", "blank", "missing", "wrong", "glitch", "freezes", "incorrect", "invalid",
			"couldnt", "could not", "known issue", "please fix", "pls fix", "plz fix", "fix this", "used to",
			"404", "500", "502", "503", "dead", "401", "403", "429", "too many requests", "throttled", "throttling",
			"rate limited", "unauthorized", "doesnt match", "dont match", "keeps asking", "in a loop", "loop",
			"over and over", "cant install", "wont install", "doesnt install", "no reason", "for no reason",
			"never arrived", "never got", "didnt receive", "not received", "still no", "still waiting for",
			"where is my", "broke",
			// Spanish, French, German, Portuguese
			"no funciona", "falla", "error", "no puedo", "no me llegó", "no llega", "duplicado", "duplicados",
			"dos veces", "ne fonctionne pas", "ne marche pas", "impossible", "échoue", "erreur", "deux fois",
			"ne reçois plus", "funktioniert nicht", "fehler", "geht nicht", "kommt nicht an", "stürzt",
			"schlägt fehl", "nicht erhalten", "não funciona", "erro", "não consigo", "não atualiza", "falha",
			"parou", "fehl", "equivocada", "equivocado", "incorrecto", "falsch", "errado", "todavía no",
			"no recibí", "pas reçu", "não recebi", "havent got", "still havent", "no updates", "not what i",
			"someone elses", "but no", "non funziona", "non va", "werkt niet", "doet het niet", "kapot",
			"no se envía", "no se envían", "no llegan", "não chega", "não chegam", "non arriva", "non arrivano",
			"nicht mehr", "niet meer", "never comes", "never arrives", "doesnt arrive", "not arriving",
			"already taken", "copies of", "doublon", "doublons", "dubbel", "dubbele", "messed up", "nothing since",
			"nobody can", "no one can", "none of", "no email", "reçu aucun", "abgelehnt", "rechazado", "rechazada",
			"rifiutato", "rifiutata", "recusado", "recusada", "rejeté", "refusé", "geweigerd", "verschoben",
			"no carga", "ne charge pas", "lädt nicht", "não carrega", "non carica", "laadt niet", "how is that possible",
			"how is this possible", "how can that be", "is empty", "completely white", "are empty", "were empty",
			"an empty", "reads nothing", "wont apply", "wont go through", "doesnt go through", "didnt go through",
			"not going through", "could not be completed"),
		cues(0.5, "doesnt", "wont", "cant", "cannot", "didnt", "unable to", "no longer", "anymore", "did not",
			"does not", "will not", "not able", "nothing happens", "nothing happened", "why does", "why doesnt",
			"why is", "weird", "strange", "not happy"),
	)
	requestCues = concat(
		cues(1.5, "feature request", "please add", "could you add", "can you add", "would be great",
			"would be nice", "would love", "would be helpful", "would be useful", "consider adding",
			"add support for", "add an option", "add the ability", "would you consider", "pls add", "plz add"),
		cues(1, "wish", "support for", "ability to", "option to", "suggestion", "suggest", "any plans",
			"roadmap", "it would help", "do you support", "will you support", "any news on", "when will",
			"keep asking", "is there any plan", "sería genial", "me encantaría", "jaimerais", "ce serait",
			"wäre toll", "wäre schön", "gostaria", "seria ótimo", "sería útil", "sería muy útil", "serait utile",
			"serait pratique", "wäre hilfreich", "wäre praktisch", "seria útil", "sarebbe utile", "zou handig zijn",
			"would be handy", "any chance", "please start", "please offer",
			"please support"),
		cues(0.5, "coming", "integration", "consider", "asking for", "would like", "wed like", "id like", "we wish",
			"wünschen uns", "wir wünschen", "hätten gerne", "nous aimerions", "on aimerait", "nos gustaría",
			"gostaríamos", "vorremmo", "we zouden graag"),
	)
	howToCues = cues(1, "how do i", "how can i", "how to", "how do you", "how does", "how would i", "where is",
		"where can i", "where do i", "where to", "is there a way", "is it possible", "what is the best way",
		"can you explain", "instructions", "can i", "cant find", "cannot find", "unable to find",
		"not sure how", "dont know how", "figure out how", "couldnt find", "can it", "can we", "how can",
		"cómo", "como faço", "comment faire", "comment puis je", "wie kann ich", "wie geht")
	billingCues = concat(
		cues(1, "invoice", "refund", "charge", "charged", "billing", "bill", "receipt", "subscription",
			"overcharged", "renewal", "coupon", "subscription price"),
		cues(0.5, "payment", "plan", "upgrade", "downgrade", "credit card", "discount", "vat", "price", "pricing"),
	)
	// clockCues say times are shifted or read in the wrong zone (see impliedObjects).
	clockCues = cues(1, "timezone", "time zone", "daylight saving", "daylight savings", "clock change",
		"clocks changed", "clock changed", "clocks went", "dst", "summer time", "winter time", "hour later",
		"hour earlier", "hour off", "hours off", "hour early", "hour late", "wrong hour", "by an hour",
		"by one hour", "one hour off", "cambio de hora", "hora más tarde", "hora antes", "changement dheure",
		"heure de décalage", "une heure plus", "zeitumstellung", "sommerzeit", "winterzeit", "stunde später",
		"stunde früher", "ora legale", "cambio dellora", "unora", "wintertijd", "zomertijd", "een uur",
		"horário de verão", "uma hora")
	// countCues say a number counts something: what it counts twice is a wrong total, whose fix
	// is in the counting, not in records made twice ("the dashboard counts our requests twice").
	countCues = cues(1, "count", "counts", "counted", "counting", "recount", "double the", "twice the", "twice as many",
		"twice as much", "inflated")
	// slotCues say one time was given to two people (see impliedObjects).
	slotCues = cues(1, "same slot", "already taken", "already booked", "double booked", "double booking",
		"overbooked", "booked at the same time", "booked for the same time", "booked the same", "booked over",
		"someone else booked", "somebody else booked", "booked by someone else",
		"doppelbuchung", "doppelt gebucht", "denselben termin", "même créneau", "dubbel geboekt")
	// chargeCues say money was taken (see impliedObjects).
	chargeCues = cues(1, "charged", "billed", "debited", "took the money", "double charge", "two payments",
		"duplicate payment", "cobraron", "cobrado", "débité", "prélevé", "abgebucht", "belastet", "addebitato",
		"afgeschreven", "cobrada", "fee", "fees", "deposit", "bank statement", "my bank shows", "on my statement",
		"paid twice", "pay twice", "payment twice")
	accountCues = cues(1, "password", "login", "log in", "logged out", "sign in", "signin", "locked out",
		"lock out", "2fa", "two factor", "mfa", "verification code", "delete my account",
		"close my account", "username", "change my email", "access my account", "account locked",
		"deactivate")
	deleteCues = cues(1, "delete my account", "close my account", "delete my data", "remove my data",
		"cancel my account", "deactivate", "gdpr")
	thanksCues = cues(1, "thank", "thx", "ty", "appreciate", "great job", "well done", "kudos", "love", "amazing",
		"awesome", "excellent", "fantastic", "brilliant", "keep up the", "good work", "great work",
		"did the trick", "that worked", "that helps", "that helped", "helpful", "got it", "works now",
		"gracias", "merci", "danke", "obrigado", "obrigada", "grazie", "all good now", "the best", "keep it up")
	// politeCues thank before anything was done; they are not gratitude.
	politeCues = cues(1, "thank in advance", "thank you in advance", "thx in advance")
	spamCues   = cues(1, "seo", "backlink", "crypto", "bitcoin", "click here", "promo offer", "promotional offer",
		"guest post", "rank higher", "first page of google", "web design", "marketing services",
		"lead generation", "limited time offer", "investment opportunity", "casino", "earn money",
		"double your money", "invest in", "passive income", "get rich", "zero risk", "risk free", "trading bot",
		"guaranteed returns", "monthly returns",
		"make money", "whatsapp", "telegram", "unsubscribe", "dear sir", "dear madam", "boost your",
		"increase your traffic", "traffic to your website", "our services", "outsourcing", "guaranteed",
		"congratulations", "claim your", "selected for", "verify your account", "renew now", "expiring soon",
		"we provide", "we can build", "lower cost", "schedule a call", "book a call", "our team of",
		"instant delivery", "100 safe", "act now", "free quote", "special offer", "hire",
		// marketing mail: events, newsletters, partnership and growth offers
		"webinar", "newsletter", "weekly digest", "sponsor", "sponsorship", "sponsored", "register now",
		"early bird", "trade show", "partnership proposal", "press release", "free trial", "podcast",
		"recruitment agency", "buy reviews", "buy followers", "downloads guaranteed", "wholesale",
		"cross promote", "influencer", "seats are limited")
)

// negators make a following verb a symptom ("not syncing", "never loading").
var negators = surfaceSet("not never isnt arent wasnt werent stopped hasnt havent hadnt didnt doesnt dont wont cant")

// negatedProgressives counts a negator right before an -ing or -ed verb ("not syncing", "hasn't
// changed", "is not placed"), which is how customers describe a broken function in any domain.
func negatedProgressives(tokens []token) float64 {
	n := 0.0
	for i := 1; i < len(tokens); i++ {
		w := tokens[i].surface
		verbal := len(w) > 5 && strings.HasSuffix(w, "ing") || len(w) > 4 && strings.HasSuffix(w, "ed")
		if negators[tokens[i-1].surface] && !tokens[i].brk && verbal && !stopwords[w] {
			n++
		}
	}
	return n
}

// typeScores are the cue scores of one conversation.
type typeScores struct {
	bug, request, howTo, billing, account, thanks, spam float64
	symptom                                             float64 // score of the specific symptom cues
}

// scoreTypes scores the customer's text, the subject counting subjectWeight times. Specific
// symptom cues (e.g. "twice", "times out") add to the bug score at a lower weight, and so does
// every negated progressive verb ("not syncing", "isn't publishing"), whatever the verb.
func scoreTypes(subject []string, bodies [][]string, subjectWeight, symptomScore, negatedVerbs float64) typeScores {
	score := func(list cueList) float64 {
		s := subjectWeight * list.score(subject)
		for _, b := range bodies {
			s += list.score(b)
		}
		return s
	}
	return typeScores{
		bug:     score(bugCues) + 0.75*symptomScore + negatedVerbs,
		request: score(requestCues),
		howTo:   score(howToCues),
		billing: score(billingCues),
		account: score(accountCues),
		thanks:  max(0, score(thanksCues)-score(politeCues)),
		spam:    score(spamCues),
		symptom: symptomScore,
	}
}

// actionable is the highest score of a type that asks for something.
func (s typeScores) actionable() float64 { return max(s.bug, s.request, s.howTo, s.billing, s.account) }

// conversationType picks the type from the scores of the whole text and of the messages alone.
// Spam needs two cues, or one and nothing else. Messages that only thank are a general inquiry,
// whatever the (often inherited) subject says. Otherwise the highest of bug, account, request,
// how-to and billing wins, ties going in that order (a how-to question about an error is a bug);
// nothing at all is a general inquiry.
func (s typeScores) conversationType(messagesOnly typeScores) string {
	actionable := s.actionable()
	if s.spam >= 2 || (s.spam > 0 && actionable == 0) {
		return extraction.TypeSpam
	}
	if actionable == 0 || (messagesOnly.actionable() == 0 && messagesOnly.thanks > 0) {
		return extraction.TypeGeneralInquiry
	}
	switch actionable {
	case s.bug:
		return extraction.TypeProductIssue
	}
	if s.symptom > 0 && s.bug > 0 && (actionable == s.account || actionable == s.billing) {
		// a payment or sign-in that misbehaves in a specific way (charged twice, a code
		// rejected, a login that loops) is a defect of the product, not a question
		return extraction.TypeProductIssue
	}
	if actionable == s.billing && s.request >= 1 {
		// "please add a French invoice template": asked for, it is a feature request even in the
		// words of billing
		return extraction.TypeFeatureRequest
	}
	switch actionable {
	case s.account:
		return extraction.TypeAccountIssue
	case s.request:
		return extraction.TypeFeatureRequest
	case s.howTo:
		// "how do I turn a quote into an invoice?": asked how, it is a how-to question even in
		// the words of billing (which are a product's own words when it invoices)
		return extraction.TypeHowToQuestion
	case s.billing:
		return extraction.TypeBillingQuestion
	default:
		return extraction.TypeHowToQuestion
	}
}
