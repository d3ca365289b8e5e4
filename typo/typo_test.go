package typo

import (
	"slices"
	"testing"
)

func TestOneEdit(t *testing.T) {
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
		if got := OneEdit(tc.a, tc.b); got != tc.want {
			t.Errorf("OneEdit(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"retrun", "return", true}, {"payal", "paypal", true}, {"refunds", "refund", true},
		{"match", "batch", false}, // a replaced letter
		{"pay", "paypal", false},  // three letters
	} {
		if got := Slip(tc.a, tc.b); got != tc.want {
			t.Errorf("Slip(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestIndexFindsWordsOneEditAway(t *testing.T) {
	ix := NewIndex()
	for _, w := range []string{"return", "language", "accountant", "refund", "export"} {
		ix.Add(w)
	}
	for w, want := range map[string][]string{
		"retrun":    {"return"},
		"langauge":  {"language"},
		"acountant": {"accountant"},
		"refunds":   {"refund"},
		"return":    nil, // itself is no slip
		"import":    nil,
		"rteurn":    {"return"}, // a swap
		"rtuern":    nil,        // two edits
	} {
		if got := ix.Near(w); !slices.Equal(got, want) {
			t.Errorf("Near(%s) = %v, want %v", w, got, want)
		}
	}
}

func TestIndexSlipIsTheOneWordASlipAway(t *testing.T) {
	ix := NewIndex()
	for _, w := range []string{"return", "batch", "trial", "trail"} {
		ix.Add(w)
	}
	for w, want := range map[string]string{
		"retrun": "return", // swapped
		"match":  "",       // only a replaced letter from batch
		"tral":   "",       // a dropped letter from trial and from trail: no telling which
		"return": "",       // itself is no slip
	} {
		got, ok := ix.Slip(w)
		if got != want || ok != (want != "") {
			t.Errorf("Slip(%s) = %q, %v, want %q", w, got, ok, want)
		}
	}
}
