package grouping

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// This file splits clusters on their facets and builds the output groups (steps 4 and 5).

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
