package localmodel

import "feedbackpipe/extraction"

// Cue phrases of each conversation type. They describe how customers phrase a need, in general
// English; none names a product or an industry.
var (
	bugCues = concat(
		cues(1, "error", "crash", "broken", "fail", "failure", "not working", "doesnt work", "stopped working",
			"wont work", "stuck", "bug", "blank", "missing", "wrong", "glitch", "freezes", "incorrect"),
		cues(0.5, "doesnt", "wont", "cant", "cannot", "isnt", "didnt", "unable to", "no longer"),
	)
	requestCues = concat(
		cues(1.5, "feature request", "please add", "could you add", "can you add", "would be great",
			"would be nice", "would love", "would be helpful", "would be useful", "consider adding",
			"add support for", "add an option", "add the ability"),
		cues(1, "wish", "support for", "ability to", "option to", "suggestion", "suggest", "any plans",
			"roadmap", "it would help"),
	)
	howToCues = cues(1, "how do i", "how can i", "how to", "how do you", "how does", "how would i", "where is",
		"where can i", "where do i", "where to find", "is there a way", "is it possible", "what is the best way",
		"can you explain", "instructions", "can i")
	billingCues = concat(
		cues(1, "invoice", "refund", "charge", "charged", "billing", "bill", "receipt", "subscription",
			"price", "pricing", "overcharged", "renewal", "coupon", "subscription price"),
		cues(0.5, "payment", "plan", "upgrade", "downgrade", "credit card", "discount", "vat"),
	)
	accountCues = cues(1, "password", "login", "log in", "logged out", "sign in", "signin", "locked out",
		"lock out", "2fa", "two factor", "mfa", "verification code", "delete my account",
		"close my account", "username", "change my email", "access my account", "account locked",
		"deactivate")
	deleteCues = cues(1, "delete my account", "close my account", "delete my data", "remove my data",
		"cancel my account", "deactivate", "gdpr")
	thanksCues = cues(1, "thank", "thx", "appreciate", "great job", "well done", "kudos", "love the")
	spamCues   = cues(1, "seo", "backlink", "crypto", "bitcoin", "click here", "promo offer", "promotional offer",
		"guest post", "rank higher", "first page of google", "web design", "marketing services",
		"lead generation", "limited time offer", "investment opportunity", "casino", "earn money",
		"make money", "whatsapp", "telegram", "unsubscribe", "dear sir", "dear madam", "boost your",
		"increase your traffic", "traffic to your website", "our services", "outsourcing")
)

// typeScores are the cue scores of one conversation.
type typeScores struct {
	bug, request, howTo, billing, account, thanks, spam float64
}

// scoreTypes scores the customer's text; the subject counts 1.5 times. Specific symptom cues
// (e.g. "twice", "times out") add to the bug score at a lower weight.
func scoreTypes(subject []string, bodies [][]string, symptomScore float64) typeScores {
	score := func(list []cue) float64 {
		s := 1.5 * cueScore(subject, list)
		for _, b := range bodies {
			s += cueScore(b, list)
		}
		return s
	}
	return typeScores{
		bug:     score(bugCues) + 0.75*symptomScore,
		request: score(requestCues),
		howTo:   score(howToCues),
		billing: score(billingCues),
		account: score(accountCues),
		thanks:  score(thanksCues),
		spam:    score(spamCues),
	}
}

// conversationType picks the type from the scores. Spam needs two cues, or one and nothing else.
// Otherwise the highest of bug, account, billing, request and how-to wins, ties going in that
// order (a how-to question about an error is a bug); thanks alone, or nothing, is a general inquiry.
func (s typeScores) conversationType() string {
	actionable := max(s.bug, s.request, s.howTo, s.billing, s.account)
	if s.spam >= 2 || (s.spam > 0 && actionable == 0) {
		return extraction.TypeSpam
	}
	if actionable == 0 {
		return extraction.TypeGeneralInquiry
	}
	switch actionable {
	case s.bug:
		return extraction.TypeProductIssue
	case s.account:
		return extraction.TypeAccountIssue
	case s.billing:
		return extraction.TypeBillingQuestion
	case s.request:
		return extraction.TypeFeatureRequest
	default:
		return extraction.TypeHowToQuestion
	}
}
