// Package grouping groups a run's themes into candidate stories. It is biased against wrong
// merges: two issues hidden in one story cost more than one issue split over two stories.
//
// # Algorithm
//
//  1. Signature groups. Items are sorted by (signature, id) and grouped by canonical signature.
//     A signature group's product area and facets are its members' most common values; its
//     centroid is the mean of its members' unit-normalised vectors.
//
//  2. Candidate pairs, without comparing every group with every other. Groups are bucketed by
//     product area. A bucket of at most ExactLimit groups compares all its pairs; a bigger one
//     goes through a random-hyperplane LSH index: lshTables tables hash every centroid to
//     lshBits sign bits each; in each table the bucket is sorted by code and every group meets
//     the lshWindow groups on either side of it, so centroids with long common code prefixes in
//     some table meet while the work stays O(groups · tables · window). Across areas (when
//     CrossAreaThreshold > 0) all groups are compared the same way, exhaustively when there are
//     at most ExactLimit, through the index otherwise. A pair is an edge when its facets are
//     compatible (step 4) and its centroid cosine reaches MergeThreshold (same product area) or
//     the stricter CrossAreaThreshold (different areas: extractors name areas inconsistently, so
//     only stronger evidence may cross them).
//
//  3. Agglomeration. Edges are taken by decreasing cosine (ties by group number). An edge joins
//     the two clusters it connects only if, for the clusters as they are now: their facets are
//     compatible; their centroids are still within the edge's threshold (average linkage: a
//     cluster cannot creep towards unrelated groups one edge at a time; the same-area threshold
//     applies only when both clusters are also of that area); and every member signature
//     group's centroid stays within MemberThreshold of the merged centroid (complete-linkage
//     like: A~B and B~C never pull in a C far from A). Memory is linear: one sum vector per
//     signature group, the index's codes, and the edges found.
//
//  4. Facets and split. Facets says which facets must agree: by default (FacetsPolar) the
//     action_type and the polar directions (excess, deficit, creation, deletion: "too many" and
//     "none" need different fixes); the other directions (modification, performance, neutral
//     say how a problem shows, not which way it goes) agree with any. Groups whose facets
//     disagree never merge. A cluster whose members disagree is partitioned by facet: members
//     whose direction agrees with any join the most similar part of their action type; parts
//     smaller than MinSize join the most similar big part (same action type first). When at
//     least two parts are big enough to be stories on their own, the cluster splits into them;
//     otherwise it stays whole.
//
//  5. Output. A group's dominant signature is its most common one (ties by name). Its Key, the
//     story or orphan key, is the dominant signature, stable across runs as canonical
//     signatures are; a further split part whose dominant signature is taken gets
//     "signature:action_type.direction", with the facets as compared (':' never occurs in a
//     signature). Groups come largest first, then by key; members ascend.
//
// Everything is ordered by signature and id, the hyperplanes come from a fixed seed, and sums
// are taken in that order, so the same items give the same groups whatever their input order.
// 100,000 themes of 20,000 signatures (256 dimensions) group in about 2 s on two cores (3 s on
// one), allocating about 115 MB besides the input's vectors (BenchmarkGrouping100k).
package grouping

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

// Item is one theme to group.
type Item struct {
	ID          string
	Signature   string
	ProductArea string
	ActionType  string    // extraction.ActionTypes: bug_report, feature_request, …
	Direction   string    // extraction.Directions: excess, deficit, creation, …
	Vector      []float32 // may be nil when the theme has no embedding
}

// Facets says which facets must agree, both for two groups to merge and for a group to stay
// together.
type Facets int

const (
	// FacetsPolar: action_type, and the polar directions (excess, deficit, creation, deletion);
	// any other direction agrees with every direction.
	FacetsPolar Facets = iota
	// FacetsAll: action_type and direction.
	FacetsAll
	// FacetsAction: action_type only.
	FacetsAction
	// FacetsNone: no facet; groups never split.
	FacetsNone
)

// Config holds the thresholds (cosine similarities) and the index settings.
type Config struct {
	MergeThreshold     float64 // centroids of two groups of one product area at least this close may merge (≤ 0: no merges)
	CrossAreaThreshold float64 // the same across product areas; 0 disables cross-area merges
	MemberThreshold    float64 // every member signature group must stay this close to the merged centroid
	MinSize            int     // distinct conversations a story needs; a facet split keeps parts this big (0: 3)
	Facets             Facets  // which facets must agree (merge guard and split)

	// ExactLimit is the largest bucket whose pairs are all compared; bigger buckets use the LSH
	// index (0: 512; negative: always the index).
	ExactLimit int
}

// DefaultConfig biases against wrong merges: splits are cheaper than a hidden root cause. The
// thresholds were measured on the sample data with the built-in model's hashed n-gram
// embeddings (integration/eval_test.go): there they keep the pairwise precision of grouping by
// signature alone while recall rises by half. Other embedding models spread cosines
// differently; measure with `starter eval` before changing them.
func DefaultConfig() Config {
	return Config{MergeThreshold: 0.65, CrossAreaThreshold: 0.70, MemberThreshold: 0.60, MinSize: 3}
}

// Group is a set of items one fix would plausibly resolve.
type Group struct {
	Key         string   // story or orphan key: the dominant signature, suffixed for a second split part
	Signature   string   // the dominant signature: the most common among the members
	Signatures  []string // every member signature, most common first (ties by name)
	ProductArea string   // the most common product area
	ActionType  string   // the most common action type
	Direction   string   // the most common direction
	Members     []int    // indices into the items, ascending
}

const (
	defaultMinSize = 3
	partKeySep     = ":"
	facetKeySep    = "."
)

// sigGroup is the items of one signature.
type sigGroup struct {
	sig     string
	area    int32 // interned product area
	facet   facet
	members []int32
	weight  int   // distinct conversations
	vectors int   // members with a usable vector
	next    int32 // circular list of the signature groups of a cluster
}

// clusterState is kept at the root of each cluster.
type clusterState struct {
	parent int32
	size   int   // distinct conversations
	area   int32 // the product area of the cluster's biggest part
	facet  facet
}

// facet is an interned action type and direction (0: a direction that agrees with any).
type facet struct{ action, dir int32 }

// compatible: the same action type, and directions that do not differ.
func (f facet) compatible(o facet) bool {
	return f.action == o.action && (f.dir == 0 || o.dir == 0 || f.dir == o.dir)
}

// facets is an item's action type and direction as the mode compares them; an empty direction
// agrees with any.
func (g *grouper) facets(it *Item) (action, direction string) {
	switch g.cfg.Facets {
	case FacetsAll:
		return it.ActionType, it.Direction
	case FacetsAction:
		return it.ActionType, ""
	case FacetsNone:
		return "", ""
	}
	switch it.Direction {
	case "excess", "deficit", "creation", "deletion":
		return it.ActionType, it.Direction
	}
	return it.ActionType, ""
}

// grouper holds one Run's working state.
type grouper struct {
	items []Item
	cfg   Config
	dim   int
	sgs   []sigGroup
	cent  []float32 // unit centroid of each signature group, dim values each
	sum   []float64 // sum of unit member vectors of each cluster root, dim values each
	cl    []clusterState
	first []bool // item is the first with its id (distinct-conversation counting)
	names map[string]int32
}

// intern numbers strings from 1 in order of first use, so comparisons are integer ones.
func (g *grouper) intern(s string) int32 {
	id, ok := g.names[s]
	if !ok {
		id = int32(len(g.names) + 1)
		g.names[s] = id
	}
	return id
}

// Run groups items.
func Run(items []Item, cfg Config) []Group {
	g := newGrouper(items, cfg)
	g.merge(g.edges())
	return g.output()
}

// newGrouper applies the config's defaults and builds the signature groups.
func newGrouper(items []Item, cfg Config) *grouper {
	if cfg.MinSize <= 0 {
		cfg.MinSize = defaultMinSize
	}
	if cfg.ExactLimit == 0 {
		cfg.ExactLimit = defaultExact
	}
	g := &grouper{items: items, cfg: cfg, names: map[string]int32{}}
	g.signatureGroups()
	return g
}

// signatureGroups sorts the items by (signature, id) and builds the signature groups with their
// centroids.
func (g *grouper) signatureGroups() {
	items := g.items
	byID := make([]int32, len(items))
	for i := range byID {
		byID[i] = int32(i)
	}
	slices.SortFunc(byID, func(a, b int32) int {
		return cmp.Or(cmp.Compare(items[a].ID, items[b].ID), cmp.Compare(a, b))
	})
	g.first = make([]bool, len(items))
	for k, i := range byID {
		g.first[i] = k == 0 || items[byID[k-1]].ID != items[i].ID
		if g.dim == 0 && len(items[i].Vector) > 0 {
			g.dim = len(items[i].Vector) // the first vector in id order sets the dimension
		}
	}
	order := byID // re-sorted in place: signature first, then id
	slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(items[a].Signature, items[b].Signature) })
	for start := 0; start < len(order); {
		end := start + 1
		for end < len(order) && items[order[end]].Signature == items[order[start]].Signature {
			end++
		}
		members := order[start:end:end]
		s := sigGroup{sig: items[members[0]].Signature, members: members, next: int32(len(g.sgs))}
		s.area = g.intern("area:" + mostCommon(members, func(i int32) string { return items[i].ProductArea }))
		s.facet.action = g.intern("action:" + mostCommon(members, func(i int32) string {
			action, _ := g.facets(&items[i])
			return action
		}))
		// The most common direction, unless directions that agree with any are more common (a
		// tie goes to the direction: "\xff" sorts last).
		if d := mostCommon(members, func(i int32) string {
			if _, d := g.facets(&items[i]); d != "" {
				return d
			}
			return "\xff"
		}); d != "\xff" {
			s.facet.dir = g.intern("direction:" + d)
		}
		for _, i := range members {
			if g.first[i] {
				s.weight++
			}
		}
		g.sgs = append(g.sgs, s)
		start = end
	}
	n := len(g.sgs)
	g.cent = make([]float32, n*g.dim)
	g.sum = make([]float64, n*g.dim)
	g.cl = make([]clusterState, n)
	for k := range g.sgs {
		s := &g.sgs[k]
		sum := g.sum[k*g.dim : (k+1)*g.dim]
		for _, i := range s.members {
			if addUnit(sum, items[i].Vector) {
				s.vectors++
			}
		}
		if s.vectors > 0 {
			norm := math.Sqrt(dot(sum, sum))
			c := g.cent[k*g.dim : (k+1)*g.dim]
			for d, x := range sum {
				c[d] = float32(x / norm)
			}
		}
		g.cl[k] = clusterState{parent: int32(k), size: s.weight, area: s.area, facet: s.facet}
	}
}

func (g *grouper) threshold(sameArea bool) float64 {
	if sameArea {
		return g.cfg.MergeThreshold
	}
	return g.cfg.CrossAreaThreshold
}

func (g *grouper) find(k int32) int32 {
	for g.cl[k].parent != k {
		g.cl[k].parent = g.cl[g.cl[k].parent].parent
		k = g.cl[k].parent
	}
	return k
}

// merge applies the edges in order, joining two clusters only when they still fit together.
func (g *grouper) merge(edges []edge) {
	for _, e := range edges {
		ra, rb := g.find(e.a), g.find(e.b)
		if ra == rb {
			continue
		}
		ca, cb := &g.cl[ra], &g.cl[rb]
		if !ca.facet.compatible(cb.facet) {
			continue
		}
		// The lower same-area threshold needs both the two signature groups and the two clusters
		// in one area: a cluster that crossed areas does not pull in more on same-area terms.
		threshold := g.threshold(g.sgs[e.a].area == g.sgs[e.b].area && ca.area == cb.area)
		if threshold <= 0 {
			continue
		}
		sa, sb := g.rootSum(ra), g.rootSum(rb)
		ab, aa, bb := dot(sa, sb), dot(sa, sa), dot(sb, sb)
		if ab/math.Sqrt(aa*bb) < threshold {
			continue
		}
		if !g.membersFit(ra, rb, sa, sb, math.Sqrt(aa+bb+2*ab)) {
			continue
		}
		g.union(ra, rb)
	}
}

func (g *grouper) rootSum(r int32) []float64 { return g.sum[int(r)*g.dim : int(r+1)*g.dim] }

// membersFit checks every signature group of both clusters against the merged centroid
// (sa+sb)/norm.
func (g *grouper) membersFit(ra, rb int32, sa, sb []float64, norm float64) bool {
	if norm == 0 {
		return false
	}
	for _, r := range []int32{ra, rb} {
		k := r
		for {
			if g.sgs[k].vectors > 0 {
				c := g.cent[int(k)*g.dim : int(k+1)*g.dim]
				if (dotMixed(c, sa)+dotMixed(c, sb))/norm < g.cfg.MemberThreshold {
					return false
				}
			}
			if k = g.sgs[k].next; k == r {
				break
			}
		}
	}
	return true
}

// union joins rb's cluster into ra's or the other way round: the bigger cluster's root stays
// (ties: the lower number), and so do its facets.
func (g *grouper) union(ra, rb int32) {
	if g.cl[rb].size > g.cl[ra].size || g.cl[rb].size == g.cl[ra].size && rb < ra {
		ra, rb = rb, ra
	}
	sa, sb := g.rootSum(ra), g.rootSum(rb)
	for d := range sa {
		sa[d] += sb[d]
	}
	g.cl[ra].size += g.cl[rb].size
	if g.cl[ra].facet.dir == 0 {
		g.cl[ra].facet.dir = g.cl[rb].facet.dir
	}
	g.cl[rb].parent = ra
	g.sgs[ra].next, g.sgs[rb].next = g.sgs[rb].next, g.sgs[ra].next // splice the circular lists
}

// output splits each cluster on its facets and builds the groups.
func (g *grouper) output() []Group {
	var out []Group
	for k := range g.sgs {
		r := int32(k)
		if g.find(r) != r {
			continue
		}
		var members []int32
		for s := r; ; {
			members = append(members, g.sgs[s].members...)
			if s = g.sgs[s].next; s == r {
				break
			}
		}
		used := map[string]bool{}
		for _, p := range g.split(members) {
			out = append(out, g.group(p, used))
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i].Members) != len(out[j].Members) {
			return len(out[i].Members) > len(out[j].Members)
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// part is a facet part of a cluster.
type part struct {
	key     string // action_type + "." + direction, as the mode compares them
	action  string
	members []int32
	sum     []float64
	weight  int
}

// split partitions a cluster's items on their facets (see the package comment); it returns
// the cluster whole (with an empty key) unless at least two parts reach MinSize.
func (g *grouper) split(members []int32) []*part {
	whole := []*part{{members: members}}
	if g.cfg.Facets == FacetsNone || len(members) < 2*g.cfg.MinSize {
		return whole
	}
	parts := map[string]*part{}  // parts with a direction
	floats := map[string]*part{} // parts whose direction agrees with any
	get := func(set map[string]*part, key, action string) *part {
		p := set[key]
		if p == nil {
			p = &part{key: key, action: action}
			if g.dim > 0 {
				p.sum = make([]float64, g.dim)
			}
			set[key] = p
		}
		return p
	}
	for _, i := range members {
		it := &g.items[i]
		action, dir := g.facets(it)
		var p *part
		if dir != "" {
			p = get(parts, action+facetKeySep+dir, action)
		} else {
			p = get(floats, action+facetKeySep+it.Direction, action)
		}
		p.members = append(p.members, i)
		if g.first[i] {
			p.weight++
		}
		if p.sum != nil {
			addUnit(p.sum, it.Vector)
		}
	}
	// Items whose direction agrees with any follow the closest part of their action type with a
	// direction, or make up their action type's part when it has none.
	for _, f := range sortedParts(floats) {
		var best *part
		bestSim := math.Inf(-1)
		for _, p := range sortedParts(parts) {
			if p.action != f.action {
				continue
			}
			if sim := cosine(p.sum, f.sum); sim > bestSim {
				best, bestSim = p, sim
			}
		}
		if best == nil {
			best = get(parts, f.action+facetKeySep, f.action)
		}
		absorb(best, f)
	}
	all := sortedParts(parts)
	var big, small []*part
	for _, p := range all {
		if p.weight >= g.cfg.MinSize {
			big = append(big, p)
		} else {
			small = append(small, p)
		}
	}
	if len(big) < 2 {
		return whole
	}
	for _, s := range small {
		var best *part
		bestScore := math.Inf(-1)
		for _, p := range big {
			score := cosine(p.sum, s.sum)
			if p.action == s.action {
				score += 10 // the same action type first
			}
			if score > bestScore {
				best, bestScore = p, score
			}
		}
		absorb(best, s)
	}
	return big
}

func absorb(into, from *part) {
	into.members = append(into.members, from.members...)
	into.weight += from.weight
	for d := range into.sum {
		into.sum[d] += from.sum[d]
	}
}

// sortedParts orders parts by weight, then key.
func sortedParts(set map[string]*part) []*part {
	out := make([]*part, 0, len(set))
	for _, p := range set {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].weight != out[j].weight {
			return out[i].weight > out[j].weight
		}
		return out[i].key < out[j].key
	})
	return out
}

// group describes one output group: a part of a cluster; used holds the keys already given in
// the cluster. A part's facet key is unique in its cluster, and so is the key it gets.
func (g *grouper) group(p *part, used map[string]bool) Group {
	items, members := g.items, p.members
	gr := Group{
		Signatures:  byCount(members, func(i int32) string { return items[i].Signature }),
		ProductArea: mostCommon(members, func(i int32) string { return items[i].ProductArea }),
		ActionType:  mostCommon(members, func(i int32) string { return items[i].ActionType }),
		Direction:   mostCommon(members, func(i int32) string { return items[i].Direction }),
		Members:     make([]int, len(members)),
	}
	gr.Signature = gr.Signatures[0]
	gr.Key = gr.Signature
	if used[gr.Key] {
		gr.Key = gr.Signature + partKeySep + strings.TrimSuffix(p.key, facetKeySep)
	}
	for n := 2; used[gr.Key]; n++ { // not expected: facet keys differ; but keys must never repeat
		gr.Key = fmt.Sprintf("%s%s%d", gr.Signature+partKeySep+strings.TrimSuffix(p.key, facetKeySep), partKeySep, n)
	}
	used[gr.Key] = true
	for i, m := range members {
		gr.Members[i] = int(m)
	}
	sort.Ints(gr.Members)
	return gr
}

// byCount lists the distinct values of members, most common first, ties by value.
func byCount(members []int32, value func(int32) string) []string {
	counts := map[string]int{}
	for _, i := range members {
		counts[value(i)]++
	}
	out := make([]string, 0, len(counts))
	for v := range counts {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool {
		if counts[out[i]] != counts[out[j]] {
			return counts[out[i]] > counts[out[j]]
		}
		return out[i] < out[j]
	})
	return out
}

// mostCommon is the most common value of members, ties by value.
func mostCommon(members []int32, value func(int32) string) string {
	if len(members) == 1 {
		return value(members[0])
	}
	return byCount(members, value)[0]
}

// addUnit adds v, normalised, to sum; false when v is missing, of another length or zero.
func addUnit(sum []float64, v []float32) bool {
	if len(v) != len(sum) || len(v) == 0 {
		return false
	}
	var n float64
	for _, x := range v {
		n += float64(x) * float64(x)
	}
	if n == 0 {
		return false
	}
	inv := 1 / math.Sqrt(n)
	for d, x := range v {
		sum[d] += float64(x) * inv
	}
	return true
}

func cosine(a, b []float64) float64 {
	if len(a) == 0 || len(a) != len(b) {
		return 0
	}
	na, nb := dot(a, a), dot(b, b)
	if na == 0 || nb == 0 {
		return 0
	}
	return dot(a, b) / math.Sqrt(na*nb)
}

// dot is a dot product with four accumulators (fewer dependent adds, same result order).
func dot[F float32 | float64](a, b []F) F {
	b = b[:len(a)]
	var s0, s1, s2, s3 F
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

func dotMixed(a []float32, b []float64) float64 {
	b = b[:len(a)]
	var s0, s1 float64
	i := 0
	for ; i+2 <= len(a); i += 2 {
		s0 += float64(a[i]) * b[i]
		s1 += float64(a[i+1]) * b[i+1]
	}
	for ; i < len(a); i++ {
		s0 += float64(a[i]) * b[i]
	}
	return s0 + s1
}
