package localmodel

import (
	"slices"
	"strings"
	"testing"

	"feedbackpipe/conversation"
	"feedbackpipe/extraction"
)

func TestConversationTypeDetection(t *testing.T) {
	tests := []struct {
		name string
		c    *conversation.Conversation
		want string
	}{
		{"bug", conv("App crashes", "c: The app crashes every time I open the reports page."), extraction.TypeProductIssue},
		{"bug behind a thank-you", conv("",
			"c: Thanks for the quick reply! Unfortunately the export still fails with an error."), extraction.TypeProductIssue},
		{"bug without the word error", conv("", "c: My saved filters are missing since this morning, they just disappeared."), extraction.TypeProductIssue},
		{"feature request", conv("Feature request", "c: Please add an option to export reports to Excel, that would be great."), extraction.TypeFeatureRequest},
		{"wish", conv("", "c: I wish I could schedule the weekly digest for a different weekday."), extraction.TypeFeatureRequest},
		{"how-to", conv("", "c: How do I change the currency shown on my dashboard?"), extraction.TypeHowToQuestion},
		{"where is", conv("Question", "c: Where is the setting for the default language of new projects?"), extraction.TypeHowToQuestion},
		{"billing", conv("Refund", "c: Can I get a refund for the annual plan? We only used it for a week."), extraction.TypeBillingQuestion},
		{"payment defect", conv("Double charge", "c: I was charged twice this month, please refund one of the charges."), extraction.TypeProductIssue},
		{"login defect", conv("", "c: sign in with google just takes me back to the login page, over and over"), extraction.TypeProductIssue},
		{"status code", conv("", "c: we get throttled with 429 after a handful of requests"), extraction.TypeProductIssue},
		{"spanish bug", conv("", "c: la sincronización no funciona desde ayer"), extraction.TypeProductIssue},
		{"german bug", conv("", "c: Die App stürzt beim Start ab"), extraction.TypeProductIssue},
		{"french thanks", conv("", "c: Merci beaucoup, ça marche"), extraction.TypeGeneralInquiry},
		{"marketing mail", conv("Webinar invite", "c: Join our webinar on growth next week. Register now, seats are limited!"), extraction.TypeSpam},
		{"invoice", conv("", "c: Can you send me a receipt for my last invoice with our company VAT number on it?"), extraction.TypeBillingQuestion},
		{"account", conv("Locked out", "c: I'm locked out after enabling 2FA and I lost my phone. How can I log in?"), extraction.TypeAccountIssue},
		{"account deletion", conv("", "c: Please delete my account and all my data."), extraction.TypeAccountIssue},
		{"thanks", conv("", "c: Thank you so much, everything is great now!"), extraction.TypeGeneralInquiry},
		{"spam seo", conv("Partnership", "c: Dear sir, we offer SEO services and quality backlinks to rank higher on Google. Click here for a promo offer."), extraction.TypeSpam},
		{"misspelt cue", conv("", "c: calendar sync is creating dupliacte events for each booking"), extraction.TypeProductIssue},
		{"how-to in billing words", conv("", "c: how do I turn a quote into an invoice?"), extraction.TypeHowToQuestion},
		{"german rejection", conv("", "c: Die Anzahlung wird bei der Buchung immer abgelehnt"), extraction.TypeProductIssue},
		{"dutch bug", conv("", "c: de koppeling met mijn bank werkt niet"), extraction.TypeProductIssue},
		{"spam crypto", conv("", "c: Earn money fast with our crypto investment opportunity, click here to join."), extraction.TypeSpam},
	}
	client, _ := newClient(t, Config{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			theme := extract(t, client, tc.c)
			if theme.ConversationType != tc.want {
				t.Errorf("conversation_type = %q, want %q (signature %s)", theme.ConversationType, tc.want, theme.IssueSignature)
			}
			assertSpecificSignature(t, theme.IssueSignature)
		})
	}
}

// A misspelt word is read as the one cue word it is a typo of; a common word, a short one or one
// near two cue words is left alone.
func TestCueTypos(t *testing.T) {
	for surface, want := range map[string]string{
		"dupliacte": "duplicat", "twise": "twic", "recieved": "receiv", // typos of cue words
		"duplicate": "duplicat", "stock": "stock", "card": "card", "biscuit": "biscuit", "loose": "loos", // words as written
	} {
		tok := tokenize(surface)[0]
		if got := cueTypos.fix(tok); got != want {
			t.Errorf("fix(%s) = %s, want %s", surface, got, want)
		}
	}
}

// What a charge duplicates is the charge, whatever was bought: one signature in any product.
func TestChargedTwiceIsAChargeDuplicate(t *testing.T) {
	client, _ := newClient(t, Config{})
	expectSignatures(t, client, map[string]string{
		"c: I was charged twice for one booking":         "charge_duplicate",
		"c: you billed my card two times for order 5512": "charge_duplicate",
		"c: me cobraron dos veces la misma reserva":      "charge_duplicate",
	})
}

// "did not get" is "didn't get"; a slot booked twice, times an hour off and a page left white
// are failures in any product that books, shows times or pages; something counted twice is a
// wrong total (so is "shows double the requests"), not a duplicate, while a charge taken twice
// stays one; an install that fails is not_installing, unless something more specific happens.
func TestGeneralFailurePhrasings(t *testing.T) {
	client, _ := newClient(t, Config{})
	expectSignatures(t, client, map[string]string{
		"c: I did not get the reminder text before my visit":                     "_not_received",
		"c: two clients booked the same slot":                                    "slot_duplicate",
		"c: all appointments shifted by an hour since the clock change":          "timezone_wrong_value",
		"c: Desde el cambio de hora todas las citas aparecen una hora más tarde": "timezone_wrong_value",
		"c: the booking box on our site is completely white":                     "_not_loading",
		"c: dashboard usage is off: it counts our requests twice?":               "_wrong_value",
		"c: the sales report counted every refund twice":                         "_wrong_value",
		"c: usage dashboard shows double the requests we actually made":          "_wrong_value",
		"c: cant install the python package, wheel build error":                  "package_not_installing",
		"c: l'installation du SDK échoue avec pip":                               "sdk_not_installing",
		"c: the app crashes right after install":                                 "_crash",
		"c: hey coupon code won't apply":                                         "coupon_rejected",
		"c: paypal wont go through, tried 3 times":                               "paypal_rejected",
		"c: still waiting for the refund on my returned order":                   "refund_not_received",
		"c: todavía no recibí el reemboso de mi devolución":                      "refund_not_received",
		"c: I was charged twice for one order":                                   "charge_duplicate",
	})
	if th := extract(t, client, conv("", "c: I booked for 4pm but the confirmation says 5pm, which one is it?")); th.ConversationType != "product_issue" {
		t.Errorf("a booking confirmed at another time: type %s, want product_issue", th.ConversationType)
	}
	for _, word := range []string{"forgot", "already"} {
		if got := cueTypos.fix(tokenize(word)[0]); got != stem(word) {
			t.Errorf("fix(%s) = %s: a word as written is no typo", word, got)
		}
	}
	if got := cueTypos.fix(tokenize("allready")[0]); got != stem("already") {
		t.Errorf("fix(allready) = %s, want %s", got, stem("already"))
	}
}

// Something done that a state should have stopped ("sent even though it is paid") is a failure of
// its own kind, not a value shown wrong.
func TestActingDespiteAStateIsUnwanted(t *testing.T) {
	client, _ := newClient(t, Config{})
	for _, text := range []string{"c: payment reminders going to clients who already paid",
		"c: overdue reminder emails sent even though the invoice shows PAID",
		"c: I turned notifications off but the app still sends them at night"} {
		th := extract(t, client, conv("", text))
		if th.ConversationType != "product_issue" || !strings.HasSuffix(th.IssueSignature, "_unwanted") {
			t.Errorf("%q: %s %s, want a product issue ending _unwanted", text, th.ConversationType, th.IssueSignature)
		}
	}
}

// "Twice" said of the customer's own action is a repetition, not a duplicate: the clause's verb
// with "I", "we" or no subject before it. The product's action done twice stays a duplicate.
func TestCustomersRepeatedActionIsNoDuplicate(t *testing.T) {
	client, _ := newClient(t, Config{})
	for _, text := range []string{
		"c: I invited my accountant twice, she only sees an empty dashboard",
		"c: Hi team, ivnited my acountant twice, she only sees an empty dashboard",
		"c: we've tried twice to connect the printer, nothing happens",
	} {
		if got := extract(t, client, conv("", text)).IssueSignature; strings.HasSuffix(got, "_duplicate") {
			t.Errorf("%q: signature %q reads the customer's retry as a duplicate", text, got)
		}
	}
	expectSignatures(t, client, map[string]string{
		"c: I was charged twice for one order":          "charge_duplicate",
		"c: the recurring invoice went out twice today": "_duplicate",
		"c: tried it and the export ran twice":          "_duplicate",
	})
}

// An "-ing" typed without its "i" is the word it stands for; words that end in a vowel and "ng"
// are left alone.
func TestRestoredIng(t *testing.T) {
	for typo, word := range map[string]string{"failng": "failing", "countng": "counting", "recurrng": "recurring"} {
		if stem(typo) != stem(word) {
			t.Errorf("stem(%s) = %s, want %s", typo, stem(typo), stem(word))
		}
	}
	for _, w := range []string{"wrong", "along", "spring", "young", "thing"} {
		if got := restoreIng(w); got != w {
			t.Errorf("restoreIng(%s) = %s, want it unchanged", w, got)
		}
	}
}

// A month or a weekday is when something happened, never what misbehaves.
func TestDatesAreNoObjects(t *testing.T) {
	client, _ := newClient(t, Config{})
	for _, text := range []string{
		"c: INV-0287 was paid on 2 Oct and is marked as paid, but the client still got the overdue reminder",
		"c: since Monday 3 November the export shows wrong totals",
	} {
		sig := extract(t, client, conv("", text)).IssueSignature
		for _, w := range []string{"oct", "november", "monday", "0287"} {
			if slices.Contains(strings.Split(sig, "_"), w) {
				t.Errorf("%q: signature %q names %s", text, sig, w)
			}
		}
	}
}

// Asked for in the words of billing, a feature is still a feature request; asked for in several
// languages, the feature is the language, in any language the customer writes.
func TestRequestInBillingWords(t *testing.T) {
	client, _ := newClient(t, Config{})
	expectSignatures(t, client, map[string]string{
		"c: please add a French invoice template":                          "_request",
		"c: any plans for translated pdf invoices?":                        "_request",
		"c: ¿se pueden hacer facturas en inglés y español? sería muy útil": "language_request",
		"c: can you add invoices in other languages?":                      "language_request",
		"c: Wir wünschen uns eine Warteliste für ausgebuchte Termine":      "waitlist_request",
	})
	for _, text := range []string{"c: why was my invoice higher this month?", "c: I'd like to cancel my subscription"} {
		if th := extract(t, client, conv("", text)); th.ConversationType != "billing_question" {
			t.Errorf("%q: type %s, want billing_question", text, th.ConversationType)
		}
	}
}
