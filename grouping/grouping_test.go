package grouping

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"feedbackpipe/vector"
)

// at is a unit vector in the plane, deg degrees from the first axis.
func at(deg float64) []float32 {
	r := deg * math.Pi / 180
	return []float32{float32(math.Cos(r)), float32(math.Sin(r)), 0}
}

// theme makes n items of one signature, area and facets, all with vector v; ids are sig-1, …
func theme(sig, area, action, direction string, n int, v []float32) []Item {
	out := make([]Item, n)
	for i := range out {
		out[i] = Item{ID: fmt.Sprintf("%s-%d", sig, i+1), Signature: sig, ProductArea: area,
			ActionType: action, Direction: direction, Vector: vector.Quantize(v)}
	}
	return out
}

func bug(sig, area string, n int, v []float32) []Item {
	return theme(sig, area, "bug_report", "deficit", n, v)
}

// layout renders groups as "key=[sig,…](n)" sorted, for comparisons.
func layout(items []Item, groups []Group) []string {
	var out []string
	for _, g := range groups {
		sigs := map[string]bool{}
		for _, m := range g.Members {
			sigs[items[m].Signature] = true
		}
		names := make([]string, 0, len(sigs))
		for s := range sigs {
			names = append(names, s)
		}
		sort.Strings(names)
		out = append(out, fmt.Sprintf("%s=[%s](%d)", g.Key, strings.Join(names, ","), len(g.Members)))
	}
	sort.Strings(out)
	return out
}

func cfg(merge, cross, member float64) Config {
	return Config{MergeThreshold: merge, CrossAreaThreshold: cross, MemberThreshold: member, MinSize: 3}
}

func check(t *testing.T, items []Item, c Config, want ...string) []Group {
	t.Helper()
	groups := Run(items, c)
	got := layout(items, groups)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("groups\n got %v\nwant %v", got, want)
	}
	return groups
}

func TestSignatureGroupsWithoutVectors(t *testing.T) {
	items := slices.Concat(bug("b", "x", 2, nil), bug("a", "x", 3, nil), bug("c", "y", 1, nil))
	groups := check(t, items, DefaultConfig(), "a=[a](3)", "b=[b](2)", "c=[c](1)")
	// Largest first, then by key; members ascend; facets and area filled in.
	if groups[0].Key != "a" || !slices.Equal(groups[0].Members, []int{2, 3, 4}) || groups[0].ProductArea != "x" ||
		groups[0].ActionType != "bug_report" || groups[0].Direction != "deficit" || !slices.Equal(groups[0].Signatures, []string{"a"}) {
		t.Errorf("first group %+v", groups[0])
	}
	if got := Run(nil, DefaultConfig()); len(got) != 0 {
		t.Errorf("no items: %v", got)
	}
}

func TestMergeWithinArea(t *testing.T) {
	// a~b: cos 20° = 0.94; c is 60° away from both.
	items := slices.Concat(bug("a", "x", 4, at(0)), bug("b", "x", 2, at(20)), bug("c", "x", 3, at(80)))
	groups := check(t, items, cfg(0.8, 0, 0.5), "a=[a,b](6)", "c=[c](3)")
	if !slices.Equal(groups[0].Signatures, []string{"a", "b"}) || groups[0].Signature != "a" {
		t.Errorf("dominant signature first: %+v", groups[0])
	}
	// Below the threshold nothing merges.
	check(t, items, cfg(0.95, 0, 0.5), "a=[a](4)", "b=[b](2)", "c=[c](3)")
}

// Across product areas the stricter threshold applies; 0 disables cross-area merges.
func TestCrossArea(t *testing.T) {
	items := slices.Concat(bug("a", "x", 3, at(0)), bug("b", "y", 3, at(40))) // cos 0.766
	check(t, items, cfg(0.7, 0, 0.5), "a=[a](3)", "b=[b](3)")
	check(t, items, cfg(0.7, 0.8, 0.5), "a=[a](3)", "b=[b](3)")
	check(t, items, cfg(0.7, 0.75, 0.5), "a=[a,b](6)")
	same := slices.Concat(bug("a", "x", 3, at(0)), bug("b", "x", 3, at(40)))
	check(t, same, cfg(0.7, 0, 0.5), "a=[a,b](6)")
}

// A~B and B~C do not chain A to C: after A and B merge, the merged centroid is too far from C.
func TestNoChaining(t *testing.T) {
	// A~B cos 34° = 0.83, B~C cos 36° = 0.81, A~C cos 70° = 0.34.
	items := slices.Concat(bug("a", "x", 3, at(0)), bug("b", "x", 3, at(34)), bug("c", "x", 3, at(70)))
	check(t, items, cfg(0.8, 0, 0.5), "a=[a,b](6)", "c=[c](3)")
}

// The member check: the centroids of AB (27°) and C (65°) are close enough (0.79), but A's
// centroid would end 45° from the merged one (0.70).
func TestMemberCheck(t *testing.T) {
	items := slices.Concat(bug("a", "x", 1, at(0)), bug("b", "x", 10, at(30)), bug("c", "x", 10, at(65)))
	check(t, items, cfg(0.75, 0, 0.75), "b=[a,b](11)", "c=[c](10)")
	check(t, items, cfg(0.75, 0, 0.65), "b=[a,b,c](21)")
}

// Facets guard merges: another action type or the opposite polar direction never merges, even
// with identical vectors; a non-polar direction does.
func TestFacetsGuardMerges(t *testing.T) {
	v := at(0)
	items := slices.Concat(
		theme("a", "x", "bug_report", "deficit", 3, v),
		theme("b", "x", "feature_request", "creation", 3, v),
		theme("c", "x", "bug_report", "excess", 3, v),
		theme("d", "x", "bug_report", "modification", 2, v),
	)
	check(t, items, cfg(0.6, 0.7, 0.5), "a=[a,d](5)", "b=[b](3)", "c=[c](3)")
}

func TestFacetSplit(t *testing.T) {
	split := func(n1, n2 int, d2 string) []Item {
		return slices.Concat(theme("s", "x", "bug_report", "deficit", n1, at(0)), theme("t", "x", "bug_report", d2, n2, at(5)))
	}
	c := cfg(0.6, 0, 0.5)
	// Opposite polar directions, both parts big enough: two groups; the second key is suffixed
	// only when its dominant signature is taken (here it is not).
	check(t, split(4, 3, "excess"), c, "s=[s](4)", "t=[t](3)")
	// One signature whose members disagree: the smaller part gets the suffixed key.
	one := slices.Concat(theme("s", "x", "bug_report", "deficit", 4, at(0)), theme("s", "x", "bug_report", "excess", 3, at(0)))
	for i := range one {
		one[i].ID = fmt.Sprintf("c%d", i)
	}
	groups := check(t, one, c, "s=[s](4)", "s:bug_report.excess=[s](3)")
	if groups[1].Direction != "excess" || groups[1].Signature != "s" {
		t.Errorf("second part %+v", groups[1])
	}
	// A part too small to stand alone stays: no split.
	check(t, one[:6], c, "s=[s](6)")
	// Non-polar directions neither block merges nor split by default; with FacetsAll they do.
	mod := split(4, 3, "modification")
	check(t, mod, c, "s=[s,t](7)")
	oneMod := slices.Clone(one)
	for i := 4; i < 7; i++ {
		oneMod[i].Direction = "modification"
	}
	check(t, oneMod, c, "s=[s](7)")
	c.Facets = FacetsAll
	check(t, mod, c, "s=[s](4)", "t=[t](3)")
	check(t, oneMod, c, "s=[s](4)", "s:bug_report.modification=[s](3)")
	// FacetsNone: no guard, no split.
	c.Facets = FacetsNone
	check(t, split(4, 3, "excess"), c, "s=[s,t](7)")
	check(t, one, c, "s=[s](7)")
}

// Action types split in every mode but FacetsNone.
func TestActionSplit(t *testing.T) {
	items := slices.Concat(theme("s", "x", "bug_report", "deficit", 4, nil), theme("s", "x", "feature_request", "creation", 3, nil))
	for i := range items {
		items[i].ID = fmt.Sprintf("c%d", i)
	}
	for mode, key := range map[Facets]string{FacetsPolar: "s:feature_request.creation", FacetsAll: "s:feature_request.creation", FacetsAction: "s:feature_request"} {
		c := cfg(0.6, 0, 0.5)
		c.Facets = mode
		check(t, items, c, "s=[s](4)", key+"=[s](3)")
	}
}

// Neutral-direction items follow the closest polar part of their action type; small parts join
// the closest big part.
func TestSplitAttachesFloatingAndSmallParts(t *testing.T) {
	items := slices.Concat(
		theme("s", "x", "bug_report", "deficit", 4, at(0)),
		theme("s", "x", "bug_report", "excess", 3, at(90)),
		theme("s", "x", "bug_report", "modification", 2, at(80)),  // closer to the excess part
		theme("s", "x", "feature_request", "creation", 1, at(10)), // too small: joins the closest
	)
	for i := range items {
		items[i].ID = fmt.Sprintf("c%02d", i)
	}
	groups := Run(items, cfg(0.6, 0, 0.5))
	if len(groups) != 2 {
		t.Fatalf("groups %v", layout(items, groups))
	}
	// Both parts have 5: the tie goes to the key, and the excess part took the plain key.
	want := []string{"s [4 5 6 7 8]", "s:bug_report.deficit [0 1 2 3 9]"}
	for i, g := range groups {
		if got := fmt.Sprintf("%s %v", g.Key, g.Members); got != want[i] {
			t.Errorf("group %d: %s, want %s", i, got, want[i])
		}
	}
}

// Items without a usable vector (missing, another length, all zeros) group by signature only.
func TestUnusableVectors(t *testing.T) {
	items := slices.Concat(bug("a", "x", 3, at(0)), bug("b", "x", 3, []float32{1, 0}), bug("c", "x", 3, []float32{0, 0, 0}), bug("d", "x", 3, at(1)))
	check(t, items, cfg(0.6, 0, 0.5), "a=[a,d](6)", "b=[b](3)", "c=[c](3)")
}

// Groups count distinct conversations for the split: duplicated ids count once.
func TestDistinctConversations(t *testing.T) {
	items := slices.Concat(theme("s", "x", "bug_report", "deficit", 3, nil), theme("s", "x", "bug_report", "excess", 3, nil))
	for i := range items {
		items[i].ID = fmt.Sprintf("c%d", i)
	}
	items[5].ID = "c4" // the excess part has two distinct conversations
	check(t, items, cfg(0.6, 0, 0.5), "s=[s](6)")
}

// The same items in any order give the same groups.
func TestInputOrderIndependent(t *testing.T) {
	items, _ := synthetic(3000, 700, 8, 32, 3)
	want := idLayout(items, Run(items, DefaultConfig()))
	rng := rand.New(rand.NewPCG(9, 9))
	for range 3 {
		shuffled := slices.Clone(items)
		rng.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
		if got := idLayout(shuffled, Run(shuffled, DefaultConfig())); !reflect.DeepEqual(got, want) {
			t.Fatal("a shuffled input grouped differently")
		}
	}
}

// idLayout is each group's key, signatures and sorted member ids.
func idLayout(items []Item, groups []Group) []string {
	out := make([]string, len(groups))
	for i, g := range groups {
		ids := make([]string, len(g.Members))
		for j, m := range g.Members {
			ids[j] = items[m].ID
		}
		sort.Strings(ids)
		out[i] = fmt.Sprintf("%s %v %v %s %s %s", g.Key, g.Signatures, ids, g.ProductArea, g.ActionType, g.Direction)
	}
	return out
}

// Keys are unique and every item is in exactly one group.
func TestPartition(t *testing.T) {
	items, _ := synthetic(5000, 1200, 10, 32, 5)
	groups := Run(items, DefaultConfig())
	seen := make([]bool, len(items))
	keys := map[string]bool{}
	for _, g := range groups {
		if keys[g.Key] {
			t.Errorf("key %s twice", g.Key)
		}
		keys[g.Key] = true
		for _, m := range g.Members {
			if seen[m] {
				t.Errorf("item %d in two groups", m)
			}
			seen[m] = true
		}
	}
	for i, ok := range seen {
		if !ok {
			t.Fatalf("item %d in no group", i)
		}
	}
}

// The LSH index finds nearly every edge the exhaustive comparison finds, and nothing else.
func TestIndexRecall(t *testing.T) {
	items, _ := synthetic(20_000, 4000, 4, 64, 11)
	edgeSet := func(limit int) map[[2]int32]bool {
		c := DefaultConfig()
		c.ExactLimit = limit
		g := newGrouper(items, c)
		out := map[[2]int32]bool{}
		for _, e := range g.edges() {
			out[[2]int32{e.a, e.b}] = true
		}
		return out
	}
	exact, approx := edgeSet(1<<30), edgeSet(-1)
	found := 0
	for e := range approx {
		if !exact[e] {
			t.Fatalf("index edge %v is not an exact edge", e)
		}
		found++
	}
	recall := float64(found) / float64(len(exact))
	t.Logf("%d exact edges, index found %d (recall %.3f)", len(exact), found, recall)
	if recall < 0.9 {
		t.Errorf("index recall %.3f < 0.9", recall)
	}
}

// A three-way split of one signature: every part gets its own key.
func TestThreeWaySplitKeys(t *testing.T) {
	items := slices.Concat(
		theme("s", "x", "bug_report", "deficit", 5, at(0)),
		theme("s", "x", "bug_report", "excess", 3, at(90)),
		theme("s", "x", "bug_report", "modification", 4, at(85)),
		theme("s", "x", "bug_report", "creation", 3, at(180)),
	)
	for i := range items {
		items[i].ID = fmt.Sprintf("c%02d", i)
	}
	check(t, items, cfg(0.6, 0, 0.5), "s=[s](7)", "s:bug_report.deficit=[s](5)", "s:bug_report.creation=[s](3)")
}
