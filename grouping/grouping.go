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
//     goes through a random-hyperplane LSH index: each of lshTables tables hashes every centroid
//     to lshBits sign bits, sorts the bucket by code, and pairs each group with the lshWindow
//     groups after it, so similar centroids (long common code prefixes in some table) meet while
//     the work stays O(groups · tables · window). When cross-area merges are enabled
//     (CrossAreaThreshold > 0) the same index runs over all groups at once. A pair is an edge
//     when its facets are compatible (below) and its centroid cosine reaches MergeThreshold
//     (same product area) or the stricter CrossAreaThreshold (different areas: extractors name
//     areas inconsistently, so only stronger evidence may cross them).
//
//  3. Agglomeration. Edges are taken by decreasing cosine (ties by group number) and each joins
//     the two clusters it connects only if, for the clusters as they are now: their facets are
//     compatible; their centroids are still at least the edge's threshold apart (average
//     linkage, so a cluster cannot creep towards unrelated groups one edge at a time); and every
//     member signature group's centroid stays within MemberThreshold of the merged centroid (a
//     complete-linkage-like check: A~B and B~C never pull in a C far from A). Memory is linear:
//     one sum vector per signature group and the edges found.
//
//  4. Facet split. The items of a cluster are partitioned by facet: action_type and, depending
//     on Split, direction. With SplitPolar (the default) only the polar directions (excess,
//     deficit, creation, deletion: "too many" and "none" need different fixes) separate; items
//     with another direction (modification, performance, neutral describe how a problem shows,
//     not which way it goes) join the most similar part of the same action type. Parts smaller
//     than MinSize join the most similar big part (same action type first). When at least two
//     parts are big enough to be stories on their own the cluster splits into them; otherwise it
//     stays whole. Facets are compatible (step 2 and 3) when the action types are equal and the
//     polar directions do not differ.
//
//  5. Output. Each group's dominant signature is its most common one (ties by name). Its Key,
//     the story or orphan key, is the dominant signature, stable across runs as canonical
//     signatures are; a second part of a split whose dominant signature is already taken gets
//     "signature:action_type.direction" (':' never occurs in a signature). Groups are sorted by
//     size, then key; members ascend.
//
// Everything is ordered by signature and id, the hyperplanes come from a fixed seed, and sums
// are taken in that order, so the same items give the same groups whatever their input order.
package grouping

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
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

// SplitMode says which facets split a group.
type SplitMode int

const (
	// SplitPolar splits on action_type and on polar directions (excess, deficit, creation,
	// deletion); other directions follow the closest part.
	SplitPolar SplitMode = iota
	// SplitAll splits on action_type and every direction.
	SplitAll
	// SplitActionOnly splits on action_type only.
	SplitActionOnly
	// SplitNone never splits.
	SplitNone
)

// Config holds the thresholds (cosine similarities) and the index settings.
type Config struct {
	MergeThreshold     float64 // centroids of two groups of one product area at least this close may merge
	CrossAreaThreshold float64 // the same across product areas; 0 disables cross-area merges
	MemberThreshold    float64 // every member signature group must stay this close to the merged centroid
	MinSize            int     // distinct conversations a story needs; a facet split keeps parts this big (0: 3)
	Split              SplitMode

	// ExactLimit is the largest bucket whose pairs are all compared; bigger buckets use the LSH
	// index (0: 384; negative: always the index).
	ExactLimit int
}

// DefaultConfig biases against wrong merges: splits are cheaper than a hidden root cause. The
// thresholds suit normalised embeddings of short support texts; see grouping_test.go and the
// integration evaluation for how they were measured.
func DefaultConfig() Config {
	return Config{MergeThreshold: 0.60, CrossAreaThreshold: 0.72, MemberThreshold: 0.60, MinSize: 3}
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

// Index settings: lshTables tables of lshBits hyperplanes each; every group is compared with
// the lshWindow groups after it in each table's code order.
const (
	lshTables       = 10
	lshBits         = 16
	lshWindow       = 6
	lshSeed         = 0x5eed_9a0f
	defaultExact    = 384
	defaultMinSize  = 3
	partKeySep      = ":"
	facetKeySep     = "."
	neutralPolarity = ""
)

// sigGroup is the items of one signature.
type sigGroup struct {
	sig     string
	area    string
	action  string
	polar   string // dominant polar direction of the members, or neutralPolarity
	members []int32
	weight  int  // distinct conversations
	vectors int  // members with a usable vector
	next    int32 // circular list of the signature groups of a cluster
}

// clusterState is kept at the root of each cluster.
type clusterState struct {
	parent int32
	size   int // distinct conversations
	action string
	polar  string
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
}

// Run groups items.
func Run(items []Item, cfg Config) []Group {
	if cfg.MinSize <= 0 {
		cfg.MinSize = defaultMinSize
	}
	if cfg.ExactLimit == 0 {
		cfg.ExactLimit = defaultExact
	}
	g := &grouper{items: items, cfg: cfg}
	g.signatureGroups()
	g.merge(g.edges())
	return g.output()
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
		s.area = mostCommon(members, func(i int32) string { return items[i].ProductArea })
		s.action = mostCommon(members, func(i int32) string { return items[i].ActionType })
		s.polar = mostCommon(members, func(i int32) string {
			if p := polarity(items[i].Direction); p != neutralPolarity {
				return p
			}
			return "\xff" // sorts last and never wins over a polar direction of equal count
		})
		if s.polar == "\xff" {
			s.polar = neutralPolarity
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
			norm := math.Sqrt(dot64(sum, sum))
			c := g.cent[k*g.dim : (k+1)*g.dim]
			for d, x := range sum {
				c[d] = float32(x / norm)
			}
		}
		g.cl[k] = clusterState{parent: int32(k), size: s.weight, action: s.action, polar: s.polar}
	}
}

// polarity keeps the directions that say which way a problem goes; the others are neutral.
func polarity(direction string) string {
	switch direction {
	case "excess", "deficit", "creation", "deletion":
		return direction
	}
	return neutralPolarity
}

func compatible(actionA, polarA, actionB, polarB string) bool {
	return actionA == actionB && (polarA == neutralPolarity || polarB == neutralPolarity || polarA == polarB)
}

// edge is a candidate merge of two signature groups (a < b).
type edge struct {
	a, b int32
	sim  float32
}

// edges finds the pairs of signature groups close enough to merge: all pairs of small area
// buckets, LSH neighbours in big ones and, when enabled, across areas.
func (g *grouper) edges() []edge {
	var withVec []int32
	for k := range g.sgs {
		if g.sgs[k].vectors > 0 {
			withVec = append(withVec, int32(k))
		}
	}
	if len(withVec) < 2 {
		return nil
	}
	var out []edge
	consider := func(a, b int32) {
		if a > b {
			a, b = b, a
		}
		sa, sb := &g.sgs[a], &g.sgs[b]
		if !compatible(sa.action, sa.polar, sb.action, sb.polar) {
			return
		}
		threshold := g.threshold(sa.area == sb.area)
		if threshold <= 0 {
			return
		}
		if sim := g.centroidCos(a, b); float64(sim) >= threshold {
			out = append(out, edge{a, b, sim})
		}
	}
	var idx *lshIndex
	index := func() *lshIndex {
		if idx == nil {
			idx = newLSHIndex(g.cent, g.dim, len(g.sgs), withVec)
		}
		return idx
	}
	// Same-area pairs, bucket by bucket (withVec is in signature order; sort by area, stably).
	byArea := slices.Clone(withVec)
	slices.SortStableFunc(byArea, func(a, b int32) int { return cmp.Compare(g.sgs[a].area, g.sgs[b].area) })
	for start := 0; start < len(byArea); {
		end := start + 1
		for end < len(byArea) && g.sgs[byArea[end]].area == g.sgs[byArea[start]].area {
			end++
		}
		bucket := byArea[start:end]
		if len(bucket) <= g.cfg.ExactLimit {
			for x := range bucket {
				for y := x + 1; y < len(bucket); y++ {
					consider(bucket[x], bucket[y])
				}
			}
		} else {
			index().pairs(bucket, consider)
		}
		start = end
	}
	// Cross-area pairs.
	if g.cfg.CrossAreaThreshold > 0 {
		cross := func(a, b int32) {
			if g.sgs[a].area != g.sgs[b].area {
				consider(a, b)
			}
		}
		if len(withVec) <= g.cfg.ExactLimit {
			for x := range withVec {
				for y := x + 1; y < len(withVec); y++ {
					cross(withVec[x], withVec[y])
				}
			}
		} else {
			index().pairs(withVec, cross)
		}
	}
	// Strongest first; the index may have found a pair more than once.
	slices.SortFunc(out, func(x, y edge) int {
		return cmp.Or(cmp.Compare(y.sim, x.sim), cmp.Compare(x.a, y.a), cmp.Compare(x.b, y.b))
	})
	return slices.CompactFunc(out, func(x, y edge) bool { return x.a == y.a && x.b == y.b })
}

func (g *grouper) threshold(sameArea bool) float64 {
	if sameArea {
		return g.cfg.MergeThreshold
	}
	return g.cfg.CrossAreaThreshold
}

func (g *grouper) centroidCos(a, b int32) float32 {
	return dot32(g.cent[int(a)*g.dim:int(a+1)*g.dim], g.cent[int(b)*g.dim:int(b+1)*g.dim])
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
		if !compatible(ca.action, ca.polar, cb.action, cb.polar) {
			continue
		}
		threshold := g.threshold(g.sgs[e.a].area == g.sgs[e.b].area)
		sa, sb := g.rootSum(ra), g.rootSum(rb)
		ab, aa, bb := dot64(sa, sb), dot64(sa, sa), dot64(sb, sb)
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
	if g.cl[ra].polar == neutralPolarity {
		g.cl[ra].polar = g.cl[rb].polar
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
		for _, part := range g.split(members) {
			out = append(out, g.group(part, used))
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
	key     string // action_type + "." + direction (polar, all, or none, after the mode)
	action  string
	members []int32
	sum     []float64
	weight  int
}

// split partitions a cluster's items on their facets (see the package comment); it returns
// the cluster whole unless at least two parts reach MinSize.
func (g *grouper) split(members []int32) [][]int32 {
	if g.cfg.Split == SplitNone || len(members) < 2*g.cfg.MinSize {
		return [][]int32{members}
	}
	parts := map[string]*part{}
	var floating []*part // non-polar directions in SplitPolar mode
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
	floats := map[string]*part{}
	for _, i := range members {
		it := &g.items[i]
		var p *part
		switch g.cfg.Split {
		case SplitAll:
			p = get(parts, it.ActionType+facetKeySep+it.Direction, it.ActionType)
		case SplitActionOnly:
			p = get(parts, it.ActionType+facetKeySep, it.ActionType)
		default:
			if pol := polarity(it.Direction); pol != neutralPolarity {
				p = get(parts, it.ActionType+facetKeySep+pol, it.ActionType)
			} else {
				p = get(floats, it.ActionType+facetKeySep+it.Direction, it.ActionType)
			}
		}
		p.members = append(p.members, i)
		if g.first[i] {
			p.weight++
		}
		if p.sum != nil {
			addUnit(p.sum, it.Vector)
		}
	}
	for _, p := range sortedParts(floats) {
		floating = append(floating, p)
	}
	// Neutral-direction items follow the closest polar part of their action type, or make up
	// their action type's part when it has none.
	for _, f := range floating {
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
		return [][]int32{members}
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
	out := make([][]int32, len(big))
	for i, p := range big {
		out[i] = p.members
	}
	return out
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

// group describes one output group; used holds the keys already given in its cluster.
func (g *grouper) group(members []int32, used map[string]bool) Group {
	items := g.items
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
		gr.Key = gr.Signature + partKeySep + gr.ActionType + facetKeySep + gr.Direction
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
	na, nb := dot64(a, a), dot64(b, b)
	if na == 0 || nb == 0 {
		return 0
	}
	return dot64(a, b) / math.Sqrt(na*nb)
}

func dot64(a, b []float64) float64 {
	var s0, s1, s2, s3 float64
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

func dot32(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
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

// lshIndex holds each signature group's code in every table.
type lshIndex struct {
	codes [lshTables][]uint32 // indexed by signature group number
}

// newLSHIndex hashes the centroids of ids: bit j of a code is the sign of the centroid's dot
// product with hyperplane j of the table. Hyperplanes are Gaussian, from a fixed seed.
func newLSHIndex(cent []float32, dim, n int, ids []int32) *lshIndex {
	rng := rand.New(rand.NewPCG(lshSeed, uint64(dim)))
	planes := make([]float32, lshTables*lshBits*dim)
	for i := range planes {
		planes[i] = float32(rng.NormFloat64())
	}
	idx := &lshIndex{}
	for t := range idx.codes {
		idx.codes[t] = make([]uint32, n)
	}
	for _, k := range ids {
		c := cent[int(k)*dim : int(k+1)*dim]
		for t := range lshTables {
			var code uint32
			for j := range lshBits {
				p := planes[(t*lshBits+j)*dim : (t*lshBits+j+1)*dim]
				if dot32(c, p) >= 0 {
					code |= 1 << (lshBits - 1 - j)
				}
			}
			idx.codes[t][k] = code
		}
	}
	return idx
}

// pairs visits, in every table, each of ids with the lshWindow ids after it in code order.
func (idx *lshIndex) pairs(ids []int32, visit func(a, b int32)) {
	order := slices.Clone(ids)
	for t := range lshTables {
		codes := idx.codes[t]
		slices.SortFunc(order, func(a, b int32) int { return cmp.Or(cmp.Compare(codes[a], codes[b]), cmp.Compare(a, b)) })
		for x := range order {
			for y := x + 1; y < len(order) && y <= x+lshWindow; y++ {
				visit(order[x], order[y])
			}
		}
	}
}
