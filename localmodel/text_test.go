package localmodel

import (
	"slices"
	"testing"
)

func TestStemConflatesInflections(t *testing.T) {
	groups := [][]string{
		{"save", "saves", "saved", "saving"},
		{"invoice", "invoices", "invoiced"},
		{"sync", "syncs", "syncing", "synced"},
		{"stop", "stops", "stopped", "stopping"},
		{"copy", "copies", "copied"},
		{"setting", "settings"},
		{"charge", "charges", "charged", "charging"},
	}
	for _, g := range groups {
		want := stem(g[0])
		for _, w := range g[1:] {
			if got := stem(w); got != want {
				t.Errorf("stem(%q) = %q, want %q like stem(%q)", w, got, want, g[0])
			}
		}
	}
	keep := []string{"status", "access", "analysis", "need", "speed", "thing", "bus"}
	for _, w := range keep {
		if got := stem(w); got != w && got != w[:len(w)-1] {
			t.Errorf("stem(%q) = %q mangles the word", w, got)
		}
	}
}

func TestTokenizeAndSentences(t *testing.T) {
	toks := tokenize("It doesn't work. Export-to-PDF fails!")
	var french []string
	for _, tk := range tokenize("l'installation échoue, qu'il dit; d’accès") {
		french = append(french, tk.surface)
	}
	if want := []string{"installation", "échoue", "il", "dit", "accès"}; !slices.Equal(french, want) {
		t.Errorf("French elisions: tokens = %v, want %v", french, want)
	}
	var surfaces []string
	for _, tk := range toks {
		surfaces = append(surfaces, tk.surface)
	}
	if want := []string{"it", "doesnt", "work", "export", "to", "pdf", "fails"}; !slices.Equal(surfaces, want) {
		t.Errorf("tokens = %v, want %v", surfaces, want)
	}
	if !toks[3].brk || toks[4].brk {
		t.Error("a sentence end should mark a break before the next word, a hyphen should not")
	}
	got := sentences("Version 2.3 crashes. Why?\nSee \"E102\" here")
	if want := []string{"Version 2.3 crashes.", "Why?", `See "E102" here`}; !slices.Equal(got, want) {
		t.Errorf("sentences = %q, want %q", got, want)
	}
}

func TestSingularAndSignatureShape(t *testing.T) {
	for in, want := range map[string]string{"invoices": "invoice", "batches": "batch", "companies": "company", "status": "status", "pdf": "pdf"} {
		if got := singular(in); got != want {
			t.Errorf("singular(%q) = %q, want %q", in, got, want)
		}
	}
	tests := []struct {
		sig    string
		object []string
		kind   string
	}{
		{"invoice_pdf_fails", []string{"invoice", "pdf"}, "fails"},
		{"calendar_event_not_saving", []string{"calendar", "event"}, "not_saving"},
		{"bulk_edit_request", []string{"bulk", "edit"}, kindRequest},
		{"how_to_bank_statement", []string{"bank", "statement"}, kindHowTo},
		{"post_scheduling_failure", []string{"post", "scheduling", "failure"}, ""},
	}
	for _, tc := range tests {
		got := parseSignature(tc.sig)
		if !slices.Equal(got.object, tc.object) || got.kind != tc.kind {
			t.Errorf("parseSignature(%q) = %+v, want object %v kind %q", tc.sig, got, tc.object, tc.kind)
		}
	}
	if got := (sigShape{object: []string{"post", "scheduling", "failure"}}).objectStems(); !slices.Equal(got, []string{"post", "schedul"}) {
		t.Errorf("objectStems drops symptom words: got %v", got)
	}
}

// A foreign noun misspelt by one slip is still read in English; a common English word near one is
// not, nor is a replaced letter.
func TestMisspeltForeignNouns(t *testing.T) {
	for w, want := range map[string]string{
		"reembolso": "refund", "reemboso": "refund", "reebmolso": "refund", "rechnugnen": "invoice",
		"package": "package", "reembolzo": "reembolzo",
	} {
		if got := english(w); got != want {
			t.Errorf("english(%s) = %s, want %s", w, got, want)
		}
	}
}
