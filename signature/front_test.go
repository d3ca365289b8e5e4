package signature

import (
	"slices"
	"testing"
	"time"
)

func TestMatchNeverMints(t *testing.T) {
	c := NewCache([]Entry{{Signature: "pinterest_connection_failure", ProductArea: "publishing", Count: 1}}, nil, 100)
	res, ok, err := c.Match("pinterest_connection_failed", "Publishing", "c1")
	if err != nil || !ok || res.Canonical != "pinterest_connection_failure" || !res.Alias || res.Minted {
		t.Fatalf("near-duplicate: %+v ok=%t err=%v", res, ok, err)
	}
	if _, ok, err := c.Match("csv_export_missing_columns", "export", "c2"); ok || err != nil {
		t.Fatalf("a new signature matched (ok=%t err=%v)", ok, err)
	}
	if c.Len() != 1 {
		t.Fatalf("Match added an entry: %d", c.Len())
	}
	if _, _, err := c.Match("export_question", "export", "c3"); err == nil {
		t.Fatal("a generic signature was accepted")
	}
}

func TestLearnAndRecordTeachTheCacheWhatPostgresDecided(t *testing.T) {
	c := NewCache(nil, nil, 100)
	// Another worker minted the signature; Postgres returns it with its alias.
	c.Learn([]Entry{{Signature: "pinterest_connection_failure", ProductArea: "publishing", Count: 3, Seen: []string{"a"}}},
		map[string]string{"pin_connect_fail": "pinterest_connection_failure"})
	c.Record(Resolution{Canonical: "pinterest_connection_failure", ProductArea: "publishing", Alias: true},
		"pinterest_connect_failure", "b")
	for _, p := range []string{"pinterest_connect_failure", "pin_connect_fail", "pinterest_connection_failure"} {
		res, ok, err := c.Match(p, "publishing", "b")
		if err != nil || !ok || res.Canonical != "pinterest_connection_failure" {
			t.Fatalf("Match(%s) after Learn = %+v ok=%t err=%v", p, res, ok, err)
		}
	}
	got := c.Known(10)
	if len(got) != 1 || got[0].Count != 7 {
		t.Fatalf("Known = %+v, want the signature with 3 stored + 4 resolved", got)
	}
}

// TestOnlyEstablishedSignaturesAreOffered: a signature seen in one conversation, however often,
// is never offered to the prompt; a second distinct conversation establishes it, and a count
// loaded from Postgres for two conversations is established from the start.
func TestOnlyEstablishedSignaturesAreOffered(t *testing.T) {
	known := func(c *Cache) []string {
		var out []string
		for _, e := range c.Known(10) {
			out = append(out, e.Signature)
		}
		return out
	}
	c := NewCache([]Entry{
		{Signature: "csv_export_missing_columns", ProductArea: "export", Count: 2, Seen: []string{"old-1", "old-2"}},
		{Signature: "planted_signature_value", ProductArea: "export", Count: 9, Seen: []string{"old-3"}},
	}, nil, 100)
	if got := known(c); !slices.Equal(got, []string{"csv_export_missing_columns"}) {
		t.Fatalf("seeded: Known = %v", got)
	}
	for range 5 { // one conversation proposing the same thing again and again
		if _, err := c.Resolve("pwned_attack_signature", "export", "crafted"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Resolve("planted_signature_value", "export", "old-3"); err != nil {
		t.Fatal(err)
	}
	if got := known(c); !slices.Equal(got, []string{"csv_export_missing_columns"}) {
		t.Fatalf("one conversation established a signature: Known = %v", got)
	}
	if _, err := c.Resolve("pwned_attack_signatures", "export", "second"); err != nil {
		t.Fatal(err)
	}
	if got := known(c); !slices.Equal(got, []string{"pwned_attack_signature", "csv_export_missing_columns"}) {
		t.Fatalf("a second conversation did not establish it: Known = %v", got)
	}
}

func TestDecideUsesTheCacheRules(t *testing.T) {
	existing := []Entry{{Signature: "pinterest_connection_failure", ProductArea: "publishing"}}
	aliases := map[string]string{"pin_fail_connecting": "pinterest_connection_failure"}
	cases := []struct {
		proposed, area, want string
		minted, alias        bool
	}{
		{"pinterest_connection_failure", "analytics", "pinterest_connection_failure", false, false}, // exact, any area
		{"pin_fail_connecting", "analytics", "pinterest_connection_failure", false, true},           // alias, any area
		{"pinterest_connection_failed", "publishing", "pinterest_connection_failure", false, true},  // near, same area
		{"pinterest_connection_failed", "analytics", "pinterest_connection_failed", true, false},    // near, other area: new
	}
	for _, tc := range cases {
		res, err := Decide(tc.proposed, tc.area, existing, aliases)
		if err != nil || res.Canonical != tc.want || res.Minted != tc.minted || res.Alias != tc.alias {
			t.Errorf("Decide(%s, %s) = %+v, %v", tc.proposed, tc.area, res, err)
		}
	}
}

// Sightings other workers stored establish a signature in this worker's cache; one sync at a
// time, at most every interval.
func TestSyncedSightingsEstablish(t *testing.T) {
	c := NewCache([]Entry{{Signature: "csv_export_missing_columns", ProductArea: "export", Count: 1, Seen: []string{"a"}}}, nil, 100)
	now := time.Unix(1000, 0)
	cursor, due := c.SyncDue(now, time.Second)
	if !due || cursor != 0 {
		t.Fatalf("first sync: cursor %d due %t", cursor, due)
	}
	if _, again := c.SyncDue(now, time.Second); again {
		t.Fatal("two syncs at once")
	}
	c.Synced(now, 7, []Sighting{
		{Signature: "csv_export_missing_columns", ProductArea: "export", Conversation: "a"}, // already counted
		{Signature: "pdf_export_timeout", ProductArea: "export", Conversation: "b"},         // minted elsewhere
	})
	if got := c.Known(10); len(got) != 0 {
		t.Fatalf("a conversation counted twice: %v", got)
	}
	if _, due := c.SyncDue(now.Add(time.Second/2), time.Second); due {
		t.Fatal("synced again within the interval")
	}
	cursor, due = c.SyncDue(now.Add(time.Second), time.Second)
	if !due || cursor != 7 {
		t.Fatalf("second sync: cursor %d due %t", cursor, due)
	}
	c.Synced(now.Add(time.Second), 9, []Sighting{
		{Signature: "csv_export_missing_columns", ProductArea: "export", Conversation: "c"},
		{Signature: "pdf_export_timeout", ProductArea: "export", Conversation: "d"},
	})
	if got := c.Known(10); len(got) != 2 {
		t.Fatalf("second conversations did not establish: %v", got)
	}
}
