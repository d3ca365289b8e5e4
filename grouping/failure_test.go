package grouping

import (
	"slices"
	"testing"
)

func TestFailures(t *testing.T) {
	for sig, want := range map[string][]string{
		"quota_rate_limited":   {"limit rat", "limit"},
		"api_429_rate_limited": {"429 limit rat", "limit rat"},
		"card_charged_twice":   {"charg duplicate", "duplicate"},
		"card_duplicate":       {"duplicate"},
		"box_wrong_value":      {"valu wrong"},
		"install_fails":        nil, // a generic failure
		"dark_mode":            nil, // no failure word
		"crash":                nil, // nothing left once the object is dropped
	} {
		if got := failures(sig); !slices.Equal(got, want) {
			t.Errorf("failures(%s) = %q, want %q", sig, got, want)
		}
	}
}

// TestSmallGroupsSharingAFailureMerge: small problem groups of any areas that share a failure and
// differ in the object merge from FailureThreshold, and join a story sharing it from
// FailureJoinThreshold; two stories (look-alikes such as CSV and PDF exports), generic failures,
// feature requests and groups too far apart do not.
func TestSmallGroupsSharingAFailureMerge(t *testing.T) {
	merged := slices.Concat(
		bug("quota_rate_limited", "quota", 2, at(0)),
		bug("traffic_rate_limited", "traffic", 2, at(70)),                 // cos 0.34
		bug("api_429_rate_limited", "api", 1, []float32{0.3, 0.21, 0.93}), // cos 0.3 to both
	)
	want := "quota_rate_limited=[api_429_rate_limited,quota_rate_limited,traffic_rate_limited](5)"
	check(t, merged, DefaultConfig(), want)
	index := DefaultConfig()
	index.ExactLimit = -1
	check(t, merged, index, want)
	off := DefaultConfig()
	off.FailureThreshold = 0
	check(t, merged, off, "api_429_rate_limited=[api_429_rate_limited](1)", "quota_rate_limited=[quota_rate_limited](2)",
		"traffic_rate_limited=[traffic_rate_limited](2)")

	// A small group joins a story that shares its failure from FailureJoinThreshold.
	join := slices.Concat(bug("order_duplicate", "order", 5, at(0)), bug("card_duplicate", "card", 2, at(60))) // cos 0.5
	check(t, join, DefaultConfig(), "order_duplicate=[card_duplicate,order_duplicate](7)")

	for name, items := range map[string][]Item{
		"too far": slices.Concat(bug("quota_rate_limited", "quota", 2, at(0)), bug("traffic_rate_limited", "traffic", 2, at(80))),
		"stories": slices.Concat(bug("csv_export_missing_columns", "csv", 4, at(0)), bug("pdf_export_missing_columns", "pdf", 3, at(70))),
		"generic": slices.Concat(bug("install_fails", "install", 2, at(0)), bug("package_fails", "package", 2, at(70))),
		"requests": slices.Concat(theme("plan_request", "plan", "feature_request", "", 2, at(0)),
			theme("roadmap_request", "roadmap", "feature_request", "", 2, at(70))),
		"a story's look-alike": slices.Concat(bug("order_duplicate", "order", 5, at(0)), bug("card_duplicate", "card", 2, at(70))),
		// small groups that are a story together on their centroids
		"an established cluster's look-alike": slices.Concat(bug("post_not_sending", "post", 2, at(0)),
			bug("reel_not_sending", "reel", 2, at(5)), bug("instagram_not_sending", "instagram", 1, at(70))),
	} {
		t.Run(name, func(t *testing.T) {
			if groups := Run(items, DefaultConfig()); len(groups) != 2 {
				t.Errorf("got %v, want the two groups apart", layout(items, groups))
			}
		})
	}
}

// A shared failure is the weakest evidence: a small group whose wording agrees with a group of
// its own object joins that one, even when another object's group sharing its failure sits
// closer on centroids.
func TestFailureMergesComeAfterTheOthers(t *testing.T) {
	items := slices.Concat(
		bug("refund_missing", "billing", 1, at(0)),
		bug("refund_email_missing", "billing", 2, at(71)), // cos 0.33: wordings agree
		bug("payout_missing", "payouts", 2, at(-66)),      // cos 0.41: shares the failure
	)
	check(t, items, DefaultConfig(), "refund_email_missing=[refund_email_missing,refund_missing](3)",
		"payout_missing=[payout_missing](2)")
}

// Two stories that name one failure of objects with no word in common are look-alikes: they
// merge on centroids only from LookalikeThreshold, however far above MergeThreshold the shared
// failure lifts their cosine; stories of different failures, or of objects sharing a word, still
// merge from MergeThreshold.
func TestLookalikeStoriesMergeOnlyWhenVeryClose(t *testing.T) {
	lookalikes := slices.Concat(bug("slot_duplicate", "slot", 5, at(0)), bug("charge_duplicate", "charge", 4, at(50))) // cos 0.64
	check(t, lookalikes, DefaultConfig(), "slot_duplicate=[slot_duplicate](5)", "charge_duplicate=[charge_duplicate](4)")
	off := DefaultConfig()
	off.LookalikeThreshold = 0
	check(t, lookalikes, off, "slot_duplicate=[charge_duplicate,slot_duplicate](9)")

	close := slices.Concat(bug("slot_duplicate", "slot", 5, at(0)), bug("charge_duplicate", "charge", 4, at(40))) // cos 0.77
	check(t, close, DefaultConfig(), "slot_duplicate=[charge_duplicate,slot_duplicate](9)")

	other := slices.Concat(bug("slot_duplicate", "slot", 5, at(0)), bug("calendar_missing", "calendar", 4, at(50)))
	check(t, other, DefaultConfig(), "slot_duplicate=[calendar_missing,slot_duplicate](9)")

	// objects with a word in common are one thing named two ways, not look-alikes
	shared := slices.Concat(bug("video_upload_crash", "video", 5, at(0)), bug("video_crash", "video", 4, at(50)))
	check(t, shared, DefaultConfig(), "video_upload_crash=[video_crash,video_upload_crash](9)")
}

// said sets the excerpt of every item.
func said(items []Item, excerpt string) []Item {
	for i := range items {
		items[i].Excerpt = excerpt
	}
	return items
}

// Look-alike stories whose customers each name the other's object are one issue named two ways:
// they merge from WordingThreshold. A mention on one side only (an everyday word of another
// issue) does not merge them.
func TestLookalikesNamingEachOthersObjectMerge(t *testing.T) {
	mutual := slices.Concat(
		said(bug("connection_disconnects", "connection", 4, at(0)), "My bank connection expired again"),
		said(bug("bank_disconnects", "bank", 4, at(66)), "I have to reconnect my bank, the connection drops every week")) // cos 0.41
	check(t, mutual, DefaultConfig(), "bank_disconnects=[bank_disconnects,connection_disconnects](8)")

	oneSided := slices.Concat(
		said(bug("slot_duplicate", "slot", 4, at(0)), "two clients booked the same slot"),
		said(bug("charge_duplicate", "charge", 4, at(66)), "charged twice for my slot"))
	check(t, oneSided, DefaultConfig(), "slot_duplicate=[slot_duplicate](4)", "charge_duplicate=[charge_duplicate](4)")

	silent := slices.Concat(bug("connection_disconnects", "connection", 4, at(0)), bug("bank_disconnects", "bank", 4, at(66)))
	check(t, silent, DefaultConfig(), "connection_disconnects=[connection_disconnects](4)", "bank_disconnects=[bank_disconnects](4)")
}
