package grouping

import (
	"slices"
	"testing"
)

func TestWordingFoldsParaphrases(t *testing.T) {
	for _, c := range []struct {
		a, b  string
		agree bool
	}{
		{"csv_export_missing_columns", "missing_columns_csv_export", true},          // reordered
		{"csv_export_missing_columns", "csv_export_dropped_columns", true},          // synonym
		{"invoice_sent_twice", "duplicate_invoice_sent", true},                      // double/duplicate
		{"approval_emails_not_received", "approval_email_missing", true},            // phrase, plural
		{"ios_app_crash_attaching_video", "ios_app_video_attachment_crashes", true}, // stems
		{"pdf_export_timeout", "pdf_report_export_times_out", true},                 // a word added
		{"tracking_not_updating", "tracking_frozen", true},                          // a status that does not advance
		{"support_dark_mode", "dark_mode", true},                                    // feature filler
		{"key_permission_denied", "key_rejected", true},                             // denied is refused
		{"csv_export_missing_columns", "pdf_export_missing_columns", false},         // other object
		{"export_fails", "csv_export_fails_with_timeout_on_retry", false},           // too many words added
		{"sync", "sync_fails", false},                                               // a lone word vouches for nothing
		{"login_fails", "login_slow", false},
	} {
		intern := map[string]int32{}
		ids := func(sig string) []int32 {
			var out []int32
			for _, w := range wording(sig) {
				if _, ok := intern[w]; !ok {
					intern[w] = int32(len(intern) + 1)
				}
				out = append(out, intern[w])
			}
			slices.Sort(out)
			return out
		}
		if got := wordingsAgree(ids(c.a), ids(c.b)); got != c.agree {
			t.Errorf("%s ~ %s: %v (%v vs %v), want %v", c.a, c.b, got, wording(c.a), wording(c.b), c.agree)
		}
	}
}

// TestParaphrasedGroupsMerge: signature groups of one area whose wordings agree merge at a
// centroid cosine below MergeThreshold; look-alikes (another object) at a higher cosine do not;
// and the LSH path finds the same.
func TestParaphrasedGroupsMerge(t *testing.T) {
	items := slices.Concat(
		bug("csv_export_missing_columns", "analytics", 4, at(0)),
		bug("csv_export_dropped_columns", "analytics", 3, at(62)), // cos 0.47
		bug("pdf_export_missing_pages", "analytics", 3, at(-60)),  // cos 0.50 to the first
		bug("dark_mode", "ui", 2, []float32{0, 0, 1}),
		bug("support_dark_mode", "settings", 2, []float32{-0.866, 0, 0.5}), // another area: centroids only
	)
	want := []string{
		"csv_export_missing_columns=[csv_export_dropped_columns,csv_export_missing_columns](7)",
		"pdf_export_missing_pages=[pdf_export_missing_pages](3)",
		"dark_mode=[dark_mode](2)", "support_dark_mode=[support_dark_mode](2)",
	}
	check(t, items, DefaultConfig(), want...)
	index := DefaultConfig()
	index.ExactLimit = -1
	check(t, items, index, want...)
	// Below WordingThreshold even agreeing wordings stay apart.
	far := slices.Concat(bug("csv_export_missing_columns", "analytics", 4, at(0)), bug("csv_export_dropped_columns", "analytics", 3, at(75)))
	check(t, far, DefaultConfig(), "csv_export_missing_columns=[csv_export_missing_columns](4)", "csv_export_dropped_columns=[csv_export_dropped_columns](3)")
	off := DefaultConfig()
	off.WordingThreshold = 0
	check(t, items, off, "csv_export_missing_columns=[csv_export_missing_columns](4)", "csv_export_dropped_columns=[csv_export_dropped_columns](3)",
		"pdf_export_missing_pages=[pdf_export_missing_pages](3)", "dark_mode=[dark_mode](2)", "support_dark_mode=[support_dark_mode](2)")
}

// TestWordingMergesNeverChain: a vague signature agrees in wording with two specific ones that do
// not agree with each other; it joins one of them, never both.
func TestWordingMergesNeverChain(t *testing.T) {
	items := slices.Concat(
		bug("csv_export_fails", "analytics", 4, at(0)),
		bug("export_fails", "analytics", 2, at(50)), // cos 0.64 to either side
		bug("pdf_export_fails", "analytics", 4, at(100)),
	)
	for _, limit := range []int{0, -1} {
		c := DefaultConfig()
		c.ExactLimit = limit
		groups := Run(items, c)
		if len(groups) != 2 {
			t.Errorf("exact limit %d: %v, want export_fails joined to one side only", limit, layout(items, groups))
		}
	}
}

// TestMisspeltWordsAgree: a signature word one slip from a more common one (swapped, dropped or
// added letter) is read as it, so the misspelt group joins its issue in wording; a replaced
// letter or a short word is no slip (trail is not trial), in the exhaustive and the LSH path.
func TestMisspeltWordsAgree(t *testing.T) {
	index := DefaultConfig()
	index.ExactLimit = -1
	for _, c := range []struct {
		common, other string
		want          []string
	}{
		{"refund_return_label", "refund_retrun_label", []string{"refund_return_label=[refund_retrun_label,refund_return_label](6)"}},
		{"export_trial_invoice", "export_trail_invoice", // short words: trail is not trial
			[]string{"export_trial_invoice=[export_trial_invoice](5)", "export_trail_invoice=[export_trail_invoice](1)"}},
		{"sender_address_wrong", "render_address_wrong", // a replaced letter makes another word
			[]string{"sender_address_wrong=[sender_address_wrong](5)", "render_address_wrong=[render_address_wrong](1)"}},
	} {
		// cos 0.34: below every threshold but wording agreement's
		items := slices.Concat(bug(c.common, "orders", 5, at(0)), bug(c.other, "orders", 1, at(70)))
		check(t, items, DefaultConfig(), c.want...)
		check(t, items, index, c.want...)
	}
}

// TestMinorSignatureDoesNotHoldAWordingMergeBack: a cluster that took a stray signature on its
// centroid still merges in wording with another wording of its issue; when the stray signature
// is no minor part of its cluster, the merge waits for it to agree too.
func TestMinorSignatureDoesNotHoldAWordingMergeBack(t *testing.T) {
	items := slices.Concat(
		bug("refund_not_received", "refund", 8, at(0)),
		bug("money_not_received", "refund", 1, at(-20)), // cos 0.94: joins on its centroid
		bug("refund_missing", "refund", 6, at(65)),      // cos 0.39 to their centroid: wording only
	)
	check(t, items, DefaultConfig(), "refund_not_received=[money_not_received,refund_missing,refund_not_received](15)")
	stray := slices.Concat(
		bug("refund_not_received", "refund", 8, at(0)),
		bug("money_not_received", "refund", 4, at(-20)), // a third of its cluster: not minor
		bug("refund_missing", "refund", 6, at(65)),
	)
	check(t, stray, DefaultConfig(), "refund_not_received=[money_not_received,refund_not_received](12)",
		"refund_missing=[refund_missing](6)")
}
