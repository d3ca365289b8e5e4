package localmodel

import (
	"strings"
	"testing"

	"feedbackpipe/extraction"
)

// A known signature is reused when the customer misspells its object, but a short word one letter
// from another is not taken for it.
func TestKnownSignatureSurvivesATypo(t *testing.T) {
	client, _ := newClient(t, Config{})
	known := []extraction.KnownSignature{{Signature: "python_not_installing", ProductArea: "python", Count: 3}}
	got := extract(t, client, conv("", "c: pip install fails on pytohn 3.12, error building wheel"), known...)
	if got.IssueSignature != "python_not_installing" || !got.MatchedExisting {
		t.Errorf("signature %q (matched %v), want reuse of python_not_installing", got.IssueSignature, got.MatchedExisting)
	}
	known = []extraction.KnownSignature{{Signature: "card_rejected", ProductArea: "card", Count: 3}}
	got = extract(t, client, conv("", "c: my cart was emptied and items were rejected at checkout"), known...)
	if got.IssueSignature == "card_rejected" {
		t.Errorf("cart took the known card_rejected signature")
	}
}

func TestKnownSpellingsFixObjectTypos(t *testing.T) {
	sp := knownSpellings([]extraction.KnownSignature{{Signature: "package_missing"}, {Signature: "how_to_return"},
		{Signature: "batch_timeout"}, {Signature: "coupon_code_rejected"}})
	for in, want := range map[string]string{
		"pacakge": "package", // swapped
		"retrun":  "return",  // swapped
		"copon":   "coupon",  // dropped
		"coupoon": "coupon",  // added
		"match":   "match",   // one letter replaced: another word
		"package": "package",
		"refund":  "refund", // near nothing known
		"code":    "code",   // too short to forgive
	} {
		if got := sp.fix(in); got != want {
			t.Errorf("fix(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMisspeltObjectTakesTheKnownSpelling(t *testing.T) {
	client, _ := newClient(t, Config{})
	known := extraction.KnownSignature{Signature: "package_not_received", ProductArea: "package"}
	th := extract(t, client, conv("", "c: the pacakge came with the wrong size inside"), known)
	if strings.Contains(th.IssueSignature, "pacakge") || th.ProductArea == "pacakge" {
		t.Errorf("signature %s in area %s keeps the typo next to the known %s", th.IssueSignature, th.ProductArea, known.Signature)
	}
}
