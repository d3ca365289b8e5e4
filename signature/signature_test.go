package signature

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

func TestNormalize(t *testing.T) {
	cases := map[string]string{
		"Pinterest Connection-Failure":  "pinterest_connection_failure",
		"  multi__network  scheduling ": "multi_network_scheduling",
		"CSV/Export: missing columns!":  "csv_export_missing_columns",
		"___":                           "",
		"émoji 🚀 upload":                "moji_upload",
	}
	for in, want := range cases {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCheckSpecific(t *testing.T) {
	ok := []string{"csv_export_missing_columns", "instagram_video_upload_failure", "pdf_export_timeout", "dark_mode_request", "calendar_timezone_shift"}
	bad := []string{"", "billing_question", "posting_guidance", "general_feedback", "scheduling_issue", "login_problem", "api_error", "unknown_issue", "other", "bug", "pinterest_connection_issue_question"}
	for _, s := range ok {
		if err := CheckSpecific(s); err != nil {
			t.Errorf("CheckSpecific(%q) = %v, want nil", s, err)
		}
	}
	for _, s := range bad {
		if err := CheckSpecific(s); err == nil {
			t.Errorf("CheckSpecific(%q) accepted a non-specific signature", s)
		}
	}
}

func TestResolveExactNearAndNew(t *testing.T) {
	c := NewCache([]Entry{{Signature: "pinterest_connection_failure", ProductArea: "publishing", Count: 5}},
		map[string]string{"pin_conn_fail": "pinterest_connection_failure"}, 100)
	cases := []struct {
		proposed, area, want string
		minted, alias        bool
	}{
		{"pinterest_connection_failure", "publishing", "pinterest_connection_failure", false, false},
		{"Pinterest Connection Issue", "publishing", "pinterest_connection_failure", false, true},     // folded symptom
		{"pin_conn_fail", "publishing", "pinterest_connection_failure", false, true},                  // alias table
		{"pinterest_connection_failures", "publishing", "pinterest_connection_failure", false, true},  // near spelling
		{"pinterest_connection_failure_x", "analytics", "pinterest_connection_failure", false, false}, // folded differs: new
		{"csv_export_missing_columns", "analytics", "csv_export_missing_columns", true, false},
	}
	for _, tc := range cases {
		res, err := c.Resolve(tc.proposed, tc.area, "")
		if err != nil {
			t.Fatalf("Resolve(%q): %v", tc.proposed, err)
		}
		if tc.want == "pinterest_connection_failure" && tc.area == "analytics" {
			// Another product area never matches as a near-duplicate.
			if res.Canonical == "pinterest_connection_failure" || !res.Minted {
				t.Errorf("Resolve(%q, analytics) = %+v, want a new signature", tc.proposed, res)
			}
			continue
		}
		if res.Canonical != tc.want || res.Minted != tc.minted || res.Alias != tc.alias {
			t.Errorf("Resolve(%q) = %+v, want canonical %s minted=%t alias=%t", tc.proposed, res, tc.want, tc.minted, tc.alias)
		}
	}
	if _, err := c.Resolve("scheduling_question", "scheduling", ""); err == nil {
		t.Error("a non-specific signature was resolved")
	}
}

func TestDifferentIssuesStayApart(t *testing.T) {
	c := NewCache(nil, nil, 100)
	a, _ := c.Resolve("instagram_publish_fails", "instagram", "")
	b, _ := c.Resolve("instagram_token_expired", "instagram", "")
	d, _ := c.Resolve("csv_export_missing_columns", "export", "")
	e, _ := c.Resolve("pdf_export_timeout", "export", "")
	if a.Canonical == b.Canonical || d.Canonical == e.Canonical {
		t.Fatalf("different issues merged: %s/%s, %s/%s", a.Canonical, b.Canonical, d.Canonical, e.Canonical)
	}
}

// TestConcurrentExtractionsConverge runs 64 concurrent resolutions over 8 issues, each proposed
// under several spellings, and checks that each issue ends with exactly one canonical signature
// and the other spellings as aliases. Run it with -race.
func TestConcurrentExtractionsConverge(t *testing.T) {
	issues := [][]string{
		{"pinterest_connection_failure", "pinterest_connection_issue", "Pinterest-Connection-Failures", "pinterest_connection_failed"},
		{"multi_network_scheduling_failure", "multinetwork_scheduling_failure", "multi_network_scheduling_fails", "Multi Network Scheduling Failure"},
		{"csv_export_missing_columns", "csv_export_missing_column", "CSV export missing columns", "csv_export_columns_missing"},
		{"pdf_export_timeout", "pdf_export_timeouts", "pdf_export_timed_out", "PDF Export Timeout"},
		{"ios_video_attach_crash", "ios_video_attach_crashes", "ios_video_attach_crashing", "iOS video attach crash"},
		{"approval_email_missing", "approval_emails_missing", "approval_email_lost", "Approval Email Missing"},
		{"short_link_404_after_domain", "short_links_404_after_domain", "short_link_404_after_domains", "Short link 404 after domain"},
		{"dark_mode_request", "dark_mode_requests", "Dark Mode Request", "dark-mode-request"},
	}
	areas := []string{"publishing", "scheduling", "analytics", "analytics", "mobile", "approvals", "links", "ui"}
	reg := NewRegistry(func(context.Context) ([]Entry, map[string]string, error) { return nil, nil, nil }, 4, 1000)
	cache, err := reg.ForRun(context.Background(), "run-1")
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		issue int
		res   Resolution
	}
	results := make(chan result, 64)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for g := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			issue := g % len(issues)
			spelling := issues[issue][(g/len(issues))%len(issues[issue])]
			res, err := cache.Resolve(spelling, areas[issue], fmt.Sprintf("conv-%d", g))
			if err != nil {
				t.Errorf("Resolve(%q): %v", spelling, err)
				return
			}
			results <- result{issue, res}
		}()
	}
	close(start)
	wg.Wait()
	close(results)
	canon := map[int]map[string]bool{}
	minted := map[int]int{}
	aliases := 0
	for r := range results {
		if canon[r.issue] == nil {
			canon[r.issue] = map[string]bool{}
		}
		canon[r.issue][r.res.Canonical] = true
		if r.res.Minted {
			minted[r.issue]++
		}
		if r.res.Alias {
			aliases++
		}
	}
	seen := map[string]int{}
	for issue, set := range canon {
		if len(set) != 1 {
			t.Errorf("issue %d ended with %d canonical signatures: %v", issue, len(set), set)
		}
		if minted[issue] != 1 {
			t.Errorf("issue %d minted %d signatures, want exactly 1", issue, minted[issue])
		}
		for s := range set {
			seen[s]++
		}
	}
	for s, n := range seen {
		if n > 1 {
			t.Errorf("signature %s is canonical for %d issues", s, n)
		}
	}
	if aliases == 0 {
		t.Error("no proposal became an alias")
	}
	if cache.Len() != len(issues) {
		t.Errorf("cache holds %d signatures, want %d", cache.Len(), len(issues))
	}
}

func TestCacheIsBounded(t *testing.T) {
	c := NewCache(nil, nil, 20)
	for i := range 100 {
		if _, err := c.Resolve(fmt.Sprintf("feature%03d_upload_slow", i), fmt.Sprintf("area%d", i), ""); err != nil {
			t.Fatal(err)
		}
	}
	if c.Len() > 20 {
		t.Fatalf("cache holds %d entries, bound is 20", c.Len())
	}
}

func TestRegistryDropsAndBoundsRuns(t *testing.T) {
	loads := 0
	reg := NewRegistry(func(context.Context) ([]Entry, map[string]string, error) {
		loads++
		return []Entry{{Signature: "csv_export_missing_columns", ProductArea: "export", Count: 3, Seen: []string{"x", "y"}}}, nil, nil
	}, 2, 100)
	ctx := context.Background()
	a, _ := reg.ForRun(ctx, "a")
	a2, _ := reg.ForRun(ctx, "a")
	if a != a2 || loads != 1 {
		t.Fatalf("a run's cache was not reused (loads %d)", loads)
	}
	if got := a.Known(5); len(got) != 1 || got[0].Signature != "csv_export_missing_columns" {
		t.Fatalf("seeded cache knows %v", got)
	}
	_, _ = reg.ForRun(ctx, "b")
	_, _ = reg.ForRun(ctx, "c")
	if reg.Runs() != 2 {
		t.Fatalf("registry holds %d runs, bound is 2", reg.Runs())
	}
	reg.Drop("c")
	if reg.Runs() != 1 {
		t.Fatalf("drop left %d runs", reg.Runs())
	}
}

func TestKnownTakesTurnsAcrossAreas(t *testing.T) {
	two := []string{"conv-a", "conv-b"}
	c := NewCache([]Entry{
		{Signature: "a_one_slow", ProductArea: "big", Count: 50, Seen: two},
		{Signature: "a_two_slow", ProductArea: "big", Count: 40, Seen: two},
		{Signature: "a_three_slow", ProductArea: "big", Count: 30, Seen: two},
		{Signature: "b_one_slow", ProductArea: "small", Count: 2, Seen: two},
		{Signature: "c_one_slow", ProductArea: "tiny", Count: 1, Seen: two},
	}, nil, 100)
	got := c.Known(4)
	want := []string{"a_one_slow", "b_one_slow", "c_one_slow", "a_two_slow"}
	if len(got) != len(want) {
		t.Fatalf("Known(4) = %v", got)
	}
	for i, e := range got {
		if e.Signature != want[i] {
			t.Fatalf("Known(4)[%d] = %s, want %s (all: %v)", i, e.Signature, want[i], got)
		}
	}
	if all := c.Known(10); len(all) != 5 {
		t.Fatalf("Known(10) returned %d of 5", len(all))
	}
}

// Stats counts what the caches hold and how their lookups went, dropped caches' lookups included.
func TestRegistryStatsCountHitsAndMisses(t *testing.T) {
	reg := NewRegistry(func(context.Context) ([]Entry, map[string]string, error) {
		return []Entry{{Signature: "csv_export_missing_columns", ProductArea: "export", Count: 3}}, nil, nil
	}, 4, 100)
	ctx := context.Background()
	a, _ := reg.ForRun(ctx, "a")
	b, _ := reg.ForRun(ctx, "b")
	if _, ok, _ := a.Match("csv_export_missing_columns", "export", "c1"); !ok {
		t.Fatal("a seeded signature missed")
	}
	if _, ok, _ := a.Match("login_sso_redirect_loop", "auth", "c2"); ok {
		t.Fatal("an unknown signature hit")
	}
	if _, ok, _ := b.Match("csv_export_missing_columns", "export", "c3"); !ok {
		t.Fatal("a seeded signature missed")
	}
	st := reg.Stats()
	if st.Runs != 2 || st.Entries != 2 || st.Hits != 2 || st.Misses != 1 {
		t.Fatalf("stats %+v, want 2 runs, 2 entries, 2 hits, 1 miss", st)
	}
	reg.Drop("a")
	st = reg.Stats()
	if st.Runs != 1 || st.Entries != 1 || st.Hits != 2 || st.Misses != 1 {
		t.Fatalf("after dropping a run: stats %+v, want its lookups kept in the totals", st)
	}
}

// TestResolutionsCarryTheFirstRun: a match of a signature read from Postgres names the run that
// stored it first, whether exact, through an alias or near; Learn and Record fill it in for an
// entry the cache made itself; a signature minted in memory names none.
func TestResolutionsCarryTheFirstRun(t *testing.T) {
	c := NewCache([]Entry{{Signature: "pinterest_connection_failure", ProductArea: "publishing", FirstRunID: "r0"}},
		map[string]string{"pinterest_link_broken": "pinterest_connection_failure"}, 100)
	for _, proposed := range []string{"pinterest_connection_failure", "pinterest_link_broken", "pinterest_connection_failures"} {
		res, ok, err := c.Match(proposed, "publishing", "c1")
		if err != nil || !ok || res.FirstRunID != "r0" {
			t.Errorf("Match(%q) = %+v, %v, %v; want a match naming run r0", proposed, res, ok, err)
		}
	}
	minted, err := c.Resolve("youtube_upload_stalls", "publishing", "c2")
	if err != nil || !minted.Minted || minted.FirstRunID != "" {
		t.Errorf("Resolve of a new signature = %+v, %v; want minted in memory, no first run", minted, err)
	}
	c.Learn([]Entry{{Signature: "youtube_upload_stalls", ProductArea: "publishing", FirstRunID: "r1"}}, nil)
	c.Record(Resolution{Canonical: "tiktok_login_loop", ProductArea: "publishing", FirstRunID: "r2"}, "tiktok_login_loop", "c3")
	for sig, want := range map[string]string{"youtube_upload_stalls": "r1", "tiktok_login_loop": "r2"} {
		if res, ok, _ := c.Match(sig, "publishing", "c4"); !ok || res.FirstRunID != want {
			t.Errorf("Match(%q) = %+v, %v; want first run %s", sig, res, ok, want)
		}
	}
}
