package signature

import (
	"strings"
	"testing"
)

// FuzzNormalize: Normalize never panics, keeps to [a-z0-9_] with single inner
// underscores, and is idempotent; CheckSpecific never panics on anything.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"Pinterest Connection-Failure!", "__a__b__", "", "İK\u212a", "\x00\xff\xfe", "ＣＳＶ＿export", "a_issue"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if Normalize(n) != n {
			t.Fatalf("Normalize(%q) = %q, but Normalize of that is %q", s, n, Normalize(n))
		}
		if strings.HasPrefix(n, "_") || strings.HasSuffix(n, "_") || strings.Contains(n, "__") {
			t.Fatalf("Normalize(%q) = %q has stray underscores", s, n)
		}
		for _, r := range n {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
				t.Fatalf("Normalize(%q) = %q holds %q", s, n, r)
			}
		}
		_ = CheckSpecific(s)
		if err := CheckSpecific(n); err != nil && err.Error() == "" {
			t.Fatalf("CheckSpecific(%q) refused without a reason", n)
		}
	})
}

// FuzzResolve feeds a cache random proposals (one a line, "area|proposal"): it never
// panics, every canonical signature is normalized and specific, and a proposal
// resolved again lands on the signature it resolved to the first time.
func FuzzResolve(f *testing.F) {
	f.Add("publishing|pinterest_connection_failure\npublishing|Pinterest connection issue\npublishing|pinterest_connection_failures")
	f.Add("billing|general_question\n|\n\x00|\xff\nanalytics|csv_export_missing_rows\nanalytics|csv export missing rows!!")
	f.Add(strings.Repeat("a|x_y_z\n", 40))
	f.Fuzz(func(t *testing.T, input string) {
		c := NewCache(nil, nil, 16)
		first := map[string]string{}
		lines := strings.Split(input, "\n")
		for i, line := range lines[:min(len(lines), 200)] {
			area, proposal, _ := strings.Cut(line, "|")
			res, err := c.Resolve(proposal, area, "conv")
			if err != nil {
				if CheckSpecific(Normalize(proposal)) == nil {
					t.Fatalf("proposal %d %q refused although specific: %v", i, proposal, err)
				}
				continue
			}
			if res.Canonical != Normalize(res.Canonical) || CheckSpecific(res.Canonical) != nil {
				t.Fatalf("proposal %q resolved to %q, not a normalized specific signature", proposal, res.Canonical)
			}
			key := Normalize(area) + "|" + Normalize(proposal)
			if prev, ok := first[key]; ok && c.Len() < 16 && prev != res.Canonical {
				t.Fatalf("proposal %q resolved to %q, then to %q", proposal, prev, res.Canonical)
			}
			if _, ok := first[key]; !ok {
				first[key] = res.Canonical
			}
		}
	})
}
