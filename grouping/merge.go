package grouping

import (
	"cmp"
	"math"
	"slices"
)

// This file builds the signature groups and merges them (steps 1 and 3 of the package comment).

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
	var words [][]string // each signature group's folded wording, interned once spellings are read
	order := byID        // re-sorted in place: signature first, then id
	slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(items[a].Signature, items[b].Signature) })
	for start := 0; start < len(order); {
		end := start + 1
		for end < len(order) && items[order[end]].Signature == items[order[start]].Signature {
			end++
		}
		members := order[start:end:end]
		s := sigGroup{sig: items[members[0]].Signature, members: members, next: int32(len(g.sgs))}
		words = append(words, wording(s.sig))
		s.failures = failures(s.sig)
		s.area = g.intern("area:" + mostCommon(members, func(i int32) string { return items[i].ProductArea }))
		s.facet.action = g.intern("action:" + mostCommon(members, func(i int32) string {
			action, _ := g.facets(&items[i])
			return action
		}))
		s.problem = problemActions[mostCommon(members, func(i int32) string { return items[i].ActionType })]
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
	canon := spellings(g.sgs, words)
	for k := range g.sgs {
		s := &g.sgs[k]
		for _, w := range words[k] {
			if c, ok := canon[w]; ok {
				w = c
			}
			s.words = append(s.words, g.intern("word:"+w))
		}
		slices.Sort(s.words)
		s.words = slices.Compact(s.words)
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
		g.cl[k] = clusterState{parent: int32(k), size: s.weight, area: s.area, facet: s.facet, established: s.weight >= g.cfg.MinSize}
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
		sameArea := g.sgs[e.a].area == g.sgs[e.b].area && ca.area == cb.area
		threshold, member := g.threshold(sameArea), g.cfg.MemberThreshold
		switch e.kind {
		case centroidEdge:
			if ca.established && cb.established {
				if lookAlike, mutual := g.lookAlike(ra, rb); lookAlike && !mutual {
					threshold = max(threshold, g.cfg.LookalikeThreshold)
				}
			}
		case mentionEdge:
			if !ca.established || !cb.established {
				continue
			}
			if _, mutual := g.lookAlike(e.a, e.b); !mutual {
				continue
			}
			threshold, member = g.cfg.WordingThreshold, min(member, g.cfg.WordingThreshold)
		case wordingEdge:
			if !sameArea || !g.clustersAgree(ra, rb) {
				continue
			}
			threshold, member = g.cfg.WordingThreshold, min(member, g.cfg.WordingThreshold)
		case failureEdge:
			if ca.established && cb.established || !g.clustersShareFailure(ra, rb) {
				continue
			}
			threshold, member = g.cfg.FailureThreshold, min(member, g.cfg.FailureThreshold)
			if ca.established || cb.established { // small groups joining a story
				if g.cfg.FailureJoinThreshold <= 0 {
					continue
				}
				threshold = max(threshold, g.cfg.FailureJoinThreshold)
			}
		}
		if threshold <= 0 {
			continue
		}
		sa, sb := g.rootSum(ra), g.rootSum(rb)
		ab, aa, bb := dot(sa, sb), dot(sa, sa), dot(sb, sb)
		if ab/math.Sqrt(aa*bb) < threshold {
			continue
		}
		if !g.membersFit(ra, rb, sa, sb, math.Sqrt(aa+bb+2*ab), member) {
			continue
		}
		g.union(ra, rb, e.kind)
	}
}

func (g *grouper) rootSum(r int32) []float64 { return g.sum[int(r)*g.dim : int(r+1)*g.dim] }

// membersFit checks every signature group of both clusters against the merged centroid
// (sa+sb)/norm: each must reach threshold.
func (g *grouper) membersFit(ra, rb int32, sa, sb []float64, norm, threshold float64) bool {
	if norm == 0 {
		return false
	}
	for _, r := range []int32{ra, rb} {
		k := r
		for {
			if g.sgs[k].vectors > 0 {
				c := g.cent[int(k)*g.dim : int(k+1)*g.dim]
				if (dotMixed(c, sa)+dotMixed(c, sb))/norm < threshold {
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
// (ties: the lower number), and so do its facets. A cluster joined by another kind of edge is
// established once it reaches MinSize.
func (g *grouper) union(ra, rb int32, kind edgeKind) {
	established := g.cl[ra].established || g.cl[rb].established ||
		kind != failureEdge && g.cl[ra].size+g.cl[rb].size >= g.cfg.MinSize
	if g.cl[rb].size > g.cl[ra].size || g.cl[rb].size == g.cl[ra].size && rb < ra {
		ra, rb = rb, ra
	}
	sa, sb := g.rootSum(ra), g.rootSum(rb)
	for d := range sa {
		sa[d] += sb[d]
	}
	g.cl[ra].size += g.cl[rb].size
	g.cl[ra].established = established
	if g.cl[ra].facet.dir == 0 {
		g.cl[ra].facet.dir = g.cl[rb].facet.dir
	}
	g.cl[rb].parent = ra
	g.sgs[ra].next, g.sgs[rb].next = g.sgs[rb].next, g.sgs[ra].next // splice the circular lists
}

// maxAgreeChecks bounds the signature pairs clustersAgree compares; clusters bigger than that
// merge on centroids alone.
const maxAgreeChecks = 4096

// clustersAgree: the biggest signature groups of the two clusters agree in wording or reach
// MergeThreshold, and so does every other pair of their signature groups, so a wording merge
// never chains two issues together through a vague signature (export_fails between
// csv_export_fails and pdf_export_fails). A minor signature group (at most minorShare of its
// cluster's conversations, one the cluster took on its centroid) does not hold the merge back:
// refund_missing joins refund_not_received although money_not_received came along with it.
func (g *grouper) clustersAgree(ra, rb int32) bool {
	agree := func(a, b *sigGroup, cos func() float64) bool {
		return wordingsAgree(a.words, b.words) || cos() >= g.cfg.MergeThreshold
	}
	da, db := g.biggest(ra), g.biggest(rb)
	if !agree(&g.sgs[da], &g.sgs[db], func() float64 { return float64(g.centroidCos(da, db)) }) {
		return false
	}
	minorA, minorB := minorShare*float64(g.cl[ra].size), minorShare*float64(g.cl[rb].size)
	return g.everyPair(ra, rb, func(a, b *sigGroup, cos func() float64) bool {
		return float64(a.weight) <= minorA || float64(b.weight) <= minorB || agree(a, b, cos)
	})
}

// minorShare is the share of its cluster's conversations up to which a signature group is minor.
const minorShare = 0.25

// biggest is the signature group of root r's cluster with the most conversations (the first on a tie).
func (g *grouper) biggest(r int32) int32 {
	best := r
	for k := g.sgs[r].next; k != r; k = g.sgs[k].next {
		if g.sgs[k].weight > g.sgs[best].weight || g.sgs[k].weight == g.sgs[best].weight && k < best {
			best = k
		}
	}
	return best
}

// everyPair: ok holds for every signature group of ra's cluster with every one of rb's (cos is
// their centroid cosine, computed on demand); false beyond maxAgreeChecks pairs.
func (g *grouper) everyPair(ra, rb int32, ok func(a, b *sigGroup, cos func() float64) bool) bool {
	checks := 0
	for a := ra; ; {
		for b := rb; ; {
			if checks++; checks > maxAgreeChecks {
				return false
			}
			if !ok(&g.sgs[a], &g.sgs[b], func() float64 { return float64(g.centroidCos(a, b)) }) {
				return false
			}
			if b = g.sgs[b].next; b == rb {
				break
			}
		}
		if a = g.sgs[a].next; a == ra {
			break
		}
	}
	return true
}
