package localmodel

import (
	"regexp"
	"strings"
	"testing"

	"feedbackpipe/conversation"
	"feedbackpipe/extraction"
)

var genericSignature = regexp.MustCompile(`(^general_|_issue$|_problem$|_error$|_question$|_guidance$|^[a-z]+$)`)

// assertSpecificSignature fails on a signature the system prompt forbids, or a bare word.
func assertSpecificSignature(t *testing.T, sig string) {
	t.Helper()
	if !regexp.MustCompile(`^[a-z0-9_]+$`).MatchString(sig) || genericSignature.MatchString(sig) {
		t.Errorf("signature %q is malformed or generic", sig)
	}
}

func TestParaphrasesConvergeOnTheFirstSignature(t *testing.T) {
	issues := []struct {
		name        string
		paraphrases []*conversation.Conversation
	}{
		{"photo upload", []*conversation.Conversation{
			conv("Photo upload fails", "c: When I upload a photo to my profile it fails with an error."),
			conv("Can't upload photos", "c: Uploading photos to my profile doesn't work, it just says upload failed."),
			conv("Profile picture upload error", "c: I get an error every time I try to upload a new profile photo."),
			conv("", "c: The photo upload is broken. I tried three different photos and the upload fails each time."),
		}},
		{"reminder emails", []*conversation.Conversation{
			conv("Reminder emails not sent", "c: Our customers stopped getting the appointment reminder emails two days ago."),
			conv("", "c: Appointment reminders are not being sent by email anymore, clients are missing their appointments!"),
			conv("Reminders", "c: Hello, no reminder email went out for tomorrow's appointments. Did something change?"),
		}},
		{"thermostat schedule", []*conversation.Conversation{
			conv("Schedule keeps resetting", "c: The heating schedule on my thermostat resets to the default every night."),
			conv("", "c: My thermostat forgets the heating schedule I set, it goes back to the factory schedule."),
			conv("Thermostat schedule not saved", "c: I set a weekday heating schedule but the thermostat doesn't save it."),
		}},
	}
	client, _ := newClient(t, Config{})
	for _, issue := range issues {
		t.Run(issue.name, func(t *testing.T) {
			first := extract(t, client, issue.paraphrases[0])
			assertSpecificSignature(t, first.IssueSignature)
			known := []extraction.KnownSignature{
				{Signature: first.IssueSignature, ProductArea: first.ProductArea, Count: 1},
				{Signature: "unrelated_report_export_timeout", ProductArea: "reports", Count: 4},
			}
			for i, p := range issue.paraphrases[1:] {
				got := extract(t, client, p, known...)
				if got.IssueSignature != first.IssueSignature || !got.MatchedExisting {
					t.Errorf("paraphrase %d: signature %q (matched %v), want reuse of %q", i+1, got.IssueSignature, got.MatchedExisting, first.IssueSignature)
				}
				if got.ProductArea != first.ProductArea {
					t.Errorf("paraphrase %d: product_area %q, want the known %q", i+1, got.ProductArea, first.ProductArea)
				}
			}
		})
	}
}

func TestDifferentIssuesSharingAWordStayApart(t *testing.T) {
	pairs := []struct {
		name string
		a, b *conversation.Conversation
	}{
		{"photo upload vs photo gallery",
			conv("Photo upload fails", "c: When I upload a photo to my profile it fails with an error."),
			conv("Photo gallery is slow", "c: The photo gallery takes forever to open, scrolling through photos lags a lot.")},
		{"invoice pdf vs invoice total",
			conv("Invoice PDF export broken", `c: Exporting an invoice as PDF fails with "ERR_PDF_502".`),
			conv("", "c: The invoice total is wrong, the tax amount is not added to the sum.")},
		{"order tracking vs order cancel request",
			conv("Order never arrived", "c: My order never arrived and the tracking page shows nothing."),
			conv("", "c: It would be great if I could cancel an order myself within an hour of placing it.")},
	}
	client, _ := newClient(t, Config{})
	for _, tc := range pairs {
		t.Run(tc.name, func(t *testing.T) {
			a := extract(t, client, tc.a)
			b := extract(t, client, tc.b, extraction.KnownSignature{Signature: a.IssueSignature, ProductArea: a.ProductArea, Count: 3})
			if a.IssueSignature == b.IssueSignature || b.MatchedExisting {
				t.Errorf("different issues share signature %q (matched %v)", a.IssueSignature, b.MatchedExisting)
			}
			assertSpecificSignature(t, a.IssueSignature)
			assertSpecificSignature(t, b.IssueSignature)
		})
	}
}

// A known signature of the opposite failure is never reused, however well its object matches:
// events missing from a calendar need another fix than events doubled in it.
func TestOppositeFailureNeverReusesASignature(t *testing.T) {
	client, _ := newClient(t, Config{})
	known := extraction.KnownSignature{Signature: "google_calendar_duplicate", ProductArea: "calendar", Count: 7}
	b := extract(t, client, conv("", "c: bookings not showing up in google calendar"), known)
	if b.MatchedExisting || !strings.HasSuffix(b.IssueSignature, "_missing") {
		t.Errorf("missing events got signature %q (matched %v), want a new _missing one", b.IssueSignature, b.MatchedExisting)
	}
	// the same failure, worded vaguely, still reuses it
	v := extract(t, client, conv("", "c: google calendar sync is broken again"), known)
	if v.IssueSignature != known.Signature {
		t.Errorf("a vague complaint about google calendar got %q, want %s reused", v.IssueSignature, known.Signature)
	}
}

func TestHeuristicsAreDomainGeneral(t *testing.T) {
	tests := []struct {
		name     string
		c        *conversation.Conversation
		wantType string
		anyOf    []string // the signature holds one of these object words from the text
	}{
		{"bank card declined", conv("Card declined",
			"c: My debit card keeps getting declined at checkout even though I have money on my balance. Code D-4412."),
			extraction.TypeProductIssue, []string{"card", "debit"}},
		{"bank transfer stuck", conv("",
			"c: I sent a transfer to my savings yesterday and it is still stuck as pending. The money left my current balance."),
			extraction.TypeProductIssue, []string{"transfer", "savings"}},
		{"bank statement how-to", conv("Statements",
			"c: How can I download my bank statements for the last year as a PDF?"),
			extraction.TypeHowToQuestion, []string{"statement", "pdf"}},
		{"shop parcel missing", conv("Where is my order?",
			"c: I ordered a pair of shoes two weeks ago and the package never arrived. Tracking says it is stuck in transit."),
			extraction.TypeProductIssue, []string{"order", "package", "parcel", "shoe"}},
		{"shop wrong size", conv("",
			"c: I received the wrong size, I ordered the jacket in M and got an XL. How do I exchange it?"),
			extraction.TypeProductIssue, []string{"size", "jacket"}},
		{"shop gift wrapping request", conv("Suggestion",
			"c: It would be nice to have a gift wrapping option at checkout for birthday orders."),
			extraction.TypeFeatureRequest, []string{"gift", "wrapping", "checkout"}},
		{"thermostat temperature", conv("Thermostat",
			"c: The thermostat shows the wrong temperature, it says 25 degrees but the room is clearly cold."),
			extraction.TypeProductIssue, []string{"thermostat", "temperature"}},
		{"thermostat wifi", conv("",
			"c: My thermostat keeps disconnecting from the wifi every night and the remote control in the phone app stops working."),
			extraction.TypeProductIssue, []string{"thermostat", "wifi"}},
	}
	client, _ := newClient(t, Config{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			theme := extract(t, client, tc.c)
			if theme.ConversationType != tc.wantType {
				t.Errorf("conversation_type = %q, want %q", theme.ConversationType, tc.wantType)
			}
			assertSpecificSignature(t, theme.IssueSignature)
			found := false
			for _, w := range tc.anyOf {
				found = found || strings.Contains(theme.IssueSignature, w)
			}
			if !found {
				t.Errorf("signature %q holds none of %v", theme.IssueSignature, tc.anyOf)
			}
			t.Logf("%s: %s / %s / %s", tc.name, theme.IssueSignature, theme.ProductArea, theme.Component)
		})
	}
}

// A feature request's object is the thing wanted, not the words that frame the wish ("any plans
// for", "on the roadmap", "an official"), and words without content between a determiner and the
// noun ("a Go SDK", "our own wrapper") leave the noun the phrase's head.
func TestRequestObjectIsTheThingWanted(t *testing.T) {
	for text, object := range map[string]string{
		"any plans for a Go SDK?":                                   "sdk",
		"do you have a go sdk or is one on the roadmap?":            "sdk",
		"We'd love an official Go SDK, we maintain our own wrapper": "sdk",
		"would be great to have an official Go client library":      "library",
	} {
		if got := analyzeTerms("", 1, []string{text}).object(); len(got) != 1 || got[0] != object {
			t.Errorf("%q: object %v, want %s", text, got, object)
		}
	}
}

// A failure the customer names as the consequence of another ("because of it") is not the
// issue: the other one is, whatever order the symptom classes are tried in.
func TestTheCauseNamesTheFailureNotItsEffect(t *testing.T) {
	client, _ := newClient(t, Config{})
	expectSignatures(t, client, map[string]string{
		"c: the app disconnected again. 3rd time this week. messages in the outbox didnt go out because of it": "_disconnects",
		"c: reports didn't go out because the integration disconnected overnight":                              "_disconnects",
		"c: my invoices didn't go out this morning, the queue shows them all as not sent":                      "_not_received",
	})
}

// What happened ("delivered") and when ("11pm") never name the object when a noun is there.
func TestObjectIsNoParticipleOrTimeOfDay(t *testing.T) {
	for text, object := range map[string]string{
		"the sofa shows delivered but nothing came, the sofa is not here":      "sofa",
		"since 11pm the reminders are off by an hour, reminders at 11pm wrong": "reminder",
	} {
		if got := analyzeTerms("", 1, []string{text}).object(); len(got) != 1 || got[0] != object {
			t.Errorf("%q: object %v, want %s", text, got, object)
		}
	}
	for stem, want := range map[string]bool{"11pm": true, "7am": true, "1030pm": true, "24h": true, "15th": true,
		"spam": false, "9007": false, "pm": false, "4th": true, "month": false, "3d": false} {
		if clockTime(stem) != want {
			t.Errorf("clockTime(%q) = %v", stem, !want)
		}
	}
}
