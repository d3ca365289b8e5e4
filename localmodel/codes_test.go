package localmodel

import (
	"slices"
	"strings"
	"testing"

	"feedbackpipe/extraction"
)

func TestFindCodes(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{`Fails with "Media could not be processed (IG-9007)"`, []string{"9007"}},
		{"error 190 again, and ERR_PDF_502 on export", []string{"190", "502"}},
		{"E1042 then e1042", []string{"1042", "1042"}},
		{"Posted on 13/11/2026 at 09:00, 1080x1920 video, 100 rows", nil},
		{"since 2025 nothing works, status: 503", []string{"503"}},
		{"INV-0311 and INV-0312 went out, order ORD_55120 too", nil}, // records' numbers, not codes
		{"PO-1234 fails with E1042", []string{"1042"}},
	}
	for _, tc := range tests {
		got, rest := findCodes(tc.text)
		if !slices.Equal(got, tc.want) {
			t.Errorf("findCodes(%q) = %v, want %v", tc.text, got, tc.want)
		}
		if strings.Contains(strings.ToLower(rest), "inv") || strings.Contains(rest, "55120") {
			t.Errorf("findCodes(%q) left a record's number in the text for terms: %q", tc.text, rest)
		}
		for _, c := range got {
			if strings.Contains(rest, c) {
				t.Errorf("findCodes(%q) left code %s in the text for terms: %q", tc.text, c, rest)
			}
		}
	}
}

func TestSharedErrorCodeDecidesTheSignature(t *testing.T) {
	client, _ := newClient(t, Config{})
	first := extract(t, client, conv("Transfer failed", "c: My transfer to another bank failed with error TX-4031. The money is still on my balance."))
	if !strings.Contains(first.IssueSignature, "4031") {
		t.Fatalf("signature %q does not carry the error code", first.IssueSignature)
	}
	known := extraction.KnownSignature{Signature: first.IssueSignature, ProductArea: first.ProductArea, Count: 1}
	tests := []struct {
		name  string
		text  string
		reuse bool
	}{
		{"same code, other words", "c: Paying my rent does not go through, the app says TX-4031 every time.", true},
		{"other code, same words", "c: My transfer to another bank failed with error TX-5120 this morning.", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := extract(t, client, conv("", tc.text), known)
			if reused := got.IssueSignature == first.IssueSignature; reused != tc.reuse {
				t.Errorf("signature %q, reuse of %q = %v, want %v", got.IssueSignature, first.IssueSignature, reused, tc.reuse)
			}
		})
	}
}

func TestResolutionFromSupportReplies(t *testing.T) {
	tests := []struct {
		reply            string
		action, category string
	}{
		{"I've escalated this to our engineering team.", "escalated_to_engineering", "escalation"},
		{"As a workaround you can export a shorter date range in the meantime.", "provided_workaround", "workaround"},
		{"I have refunded the second charge, you'll see it in 3-5 days.", "manual_intervention", "self_service_gap"},
		{"You can change it under Settings > Profile, here's how.", "user_education", "education"},
		{"Sorry to hear that, could you send a screenshot?", "no_resolution", "unresolved"},
	}
	for _, tc := range tests {
		got := detectResolution([][]string{cueSeq(tokenize(tc.reply))})
		if got.action != tc.action || got.category != tc.category {
			t.Errorf("%q: got %s/%s, want %s/%s", tc.reply, got.action, got.category, tc.action, tc.category)
		}
	}
}

// The cheap pre-checks never skip a text the expressions would match.
func TestCodePrechecksKeepEveryMatch(t *testing.T) {
	for _, s := range []string{"error 0xff here", "got E_TIMEOUT_X", `it says "Failed building wheel"`,
		"status 404", "ERR-42 again", "code A12", "\u201Cnope nope\u201D", "no code at all", "v1.2 and 7 apples"} {
		if codePattern.MatchString(s) && !mayHoldCode(s) {
			t.Errorf("mayHoldCode(%q) is false but codePattern matches", s)
		}
		if (labelledCode.MatchString(s) || joinedCode.MatchString(s)) && !hasDigitRun(s, 3) {
			t.Errorf("a code expression matches %q, which has no three digits in a row", s)
		}
	}
}
