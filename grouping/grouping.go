// Package grouping groups a run's themes into candidate stories: by canonical signature first,
// then merging signature groups of one product area whose centroids are close, but only when
// every member stays close to the merged centroid (so unrelated issues never chain together).
// It is deterministic for the same input and needs memory linear in the number of themes.
package grouping

import (
	"math"
	"sort"
)

// Item is one theme to group.
type Item struct {
	ID          string
	Signature   string
	ProductArea string
	Vector      []float32 // may be nil when the theme has no embedding
}

// Config holds the merge thresholds (cosine similarity).
type Config struct {
	MergeThreshold  float64 // centroids of two signature groups at least this close may merge
	MemberThreshold float64 // every member of a merged group must be at least this close to its centroid
}

// DefaultConfig biases against wrong merges: splits are cheaper than a hidden root cause.
func DefaultConfig() Config { return Config{MergeThreshold: 0.80, MemberThreshold: 0.55} }

// Group is a set of items one fix would plausibly resolve.
type Group struct {
	Signature   string   // the dominant signature: the largest member signature group
	Signatures  []string // every member signature, dominant first
	ProductArea string
	Members     []int // indices into the items, ascending
}

type cluster struct {
	Group
	sum   []float64 // sum of member vectors
	count int       // members with vectors
}

// Run groups items.
func Run(items []Item, cfg Config) []Group {
	bySig := map[string][]int{}
	for i, it := range items {
		bySig[it.Signature] = append(bySig[it.Signature], i)
	}
	sigs := make([]string, 0, len(bySig))
	for s := range bySig {
		sigs = append(sigs, s)
	}
	// Largest signature groups seed clusters first; ties by name, for determinism.
	sort.Slice(sigs, func(a, b int) bool {
		na, nb := len(bySig[sigs[a]]), len(bySig[sigs[b]])
		if na != nb {
			return na > nb
		}
		return sigs[a] < sigs[b]
	})
	var clusters []*cluster
	byArea := map[string][]*cluster{}
	for _, sig := range sigs {
		members := bySig[sig]
		sum, n := vectorSum(items, members)
		area := items[members[0]].ProductArea
		var target *cluster
		if n > 0 {
			best := cfg.MergeThreshold
			for _, c := range byArea[area] {
				if c.count == 0 {
					continue
				}
				if sim := cosine(c.sum, sum); sim >= best && fitsMerged(items, c, members, sum, cfg.MemberThreshold) {
					best, target = sim, c
				}
			}
		}
		if target == nil {
			target = &cluster{Group: Group{Signature: sig, ProductArea: area}}
			if n > 0 {
				target.sum = make([]float64, len(sum))
			}
			clusters = append(clusters, target)
			byArea[area] = append(byArea[area], target)
		}
		target.Signatures = append(target.Signatures, sig)
		target.Members = append(target.Members, members...)
		for d := range sum {
			target.sum[d] += sum[d]
		}
		target.count += n
	}
	out := make([]Group, len(clusters))
	for i, c := range clusters {
		sort.Ints(c.Members)
		out[i] = c.Group
	}
	return out
}

// fitsMerged checks every member with a vector, of both sides, against the merged centroid.
func fitsMerged(items []Item, c *cluster, members []int, sum []float64, threshold float64) bool {
	merged := make([]float64, len(c.sum))
	for d := range merged {
		merged[d] = c.sum[d] + sum[d]
	}
	for _, group := range [][]int{c.Members, members} {
		for _, i := range group {
			if v := items[i].Vector; v != nil && cosine32(merged, v) < threshold {
				return false
			}
		}
	}
	return true
}

func vectorSum(items []Item, members []int) ([]float64, int) {
	var sum []float64
	n := 0
	for _, i := range members {
		v := items[i].Vector
		if v == nil {
			continue
		}
		if sum == nil {
			sum = make([]float64, len(v))
		}
		if len(v) != len(sum) {
			continue
		}
		for d, x := range v {
			sum[d] += float64(x)
		}
		n++
	}
	return sum, n
}

func cosine(a, b []float64) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 0
	}
	var dot, na, nb float64
	for i := range a {
		dot += a[i] * b[i]
		na += a[i] * a[i]
		nb += b[i] * b[i]
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

func cosine32(a []float64, b []float32) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 0
	}
	var dot, na, nb float64
	for i := range a {
		x := float64(b[i])
		dot += a[i] * x
		na += a[i] * a[i]
		nb += x * x
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}
