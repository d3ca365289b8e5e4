package localmodel

import (
	"testing"

	"feedbackpipe/extraction"
)

func TestOneTypo(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"python", "pytohn", true}, // swap
		{"search", "saerch", true}, // swap
		{"coupon", "copuon", true}, // swap
		{"paypal", "payal", true},  // deletion
		{"checkout", "checkut", true},
		{"refund", "refunds", true}, // insertion
		{"webhook", "webhoak", true},
		{"python", "python", false}, // identical: not a typo
		{"python", "pyhtno", false}, // two edits
		{"export", "import", false},
		{"abcdef", "badcef", false}, // two swaps
	} {
		if got := oneTypo(tc.a, tc.b); got != tc.want {
			t.Errorf("oneTypo(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

// A known signature is reused when the customer misspells its object, but a short word one letter
// from another is not taken for it.
func TestKnownSignatureSurvivesATypo(t *testing.T) {
	client, _ := newClient(t, Config{})
	known := []extraction.KnownSignature{{Signature: "python_fails", ProductArea: "python", Count: 3}}
	got := extract(t, client, conv("", "c: pip install fails on pytohn 3.12, error building wheel"), known...)
	if got.IssueSignature != "python_fails" || !got.MatchedExisting {
		t.Errorf("signature %q (matched %v), want reuse of python_fails", got.IssueSignature, got.MatchedExisting)
	}
	known = []extraction.KnownSignature{{Signature: "card_rejected", ProductArea: "card", Count: 3}}
	got = extract(t, client, conv("", "c: my cart was emptied and items were rejected at checkout"), known...)
	if got.IssueSignature == "card_rejected" {
		t.Errorf("cart took the known card_rejected signature")
	}
}
