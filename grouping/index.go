package grouping

import (
	"cmp"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
)

// Index settings (variables so tests can measure others): lshTables tables of lshBits
// hyperplanes each; every group is compared with the lshWindow groups on either side of it in
// each table's code order. With these, the index finds ~94% of the pairs above 0.6 that an
// exhaustive comparison finds on clustered 256-dimensional data (TestIndexRecall), and the
// groups come out nearly the same, since merges also follow other edges of a cluster.
var (
	lshTables = 24
	lshBits   = 14
	lshWindow = 12
)

const (
	lshSeed      = 0x5eed_9a0f
	defaultExact = 512 // below this, all pairs cost less than the index's lookups per group
)

// edge is a candidate merge of two signature groups (a < b).
type edge struct {
	a, b int32
	sim  float32
	kind edgeKind
}

// edgeKind says on what terms an edge may join two clusters.
type edgeKind uint8

const (
	centroidEdge edgeKind = iota // the centroids are close enough (MergeThreshold, CrossAreaThreshold)
	wordingEdge                  // below that, but the wordings agree (WordingThreshold)
	failureEdge                  // below that, but two small problem groups share a failure (FailureThreshold)
	mentionEdge                  // two stories of one failure whose customers name each other's object (WordingThreshold)
)

// tier orders the kinds of edges: failure edges, the weakest evidence, come after all others.
func (k edgeKind) tier() int {
	if k == failureEdge {
		return 1
	}
	return 0
}

// edges finds the pairs of signature groups close enough to merge: all pairs of small area
// buckets, LSH neighbours in big ones and, when enabled, across areas. They come strongest
// first, ties by group numbers.
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
	// Area buckets (withVec is in signature order; sort by area, stably).
	byArea := slices.Clone(withVec)
	slices.SortStableFunc(byArea, func(a, b int32) int { return cmp.Compare(g.sgs[a].area, g.sgs[b].area) })
	var out []edge
	var lists [][]int32 // lists the index searches: big buckets, and all groups for cross-area pairs
	var crossOnly []bool
	for start := 0; start < len(byArea); {
		end := start + 1
		for end < len(byArea) && g.sgs[byArea[end]].area == g.sgs[byArea[start]].area {
			end++
		}
		if bucket := byArea[start:end]; len(bucket) <= g.cfg.ExactLimit {
			out = g.allPairs(out, bucket, false)
		} else {
			lists, crossOnly = append(lists, bucket), append(crossOnly, false)
			if g.cfg.WordingThreshold > 0 {
				out = append(out, g.wordingEdges(bucket)...)
			}
		}
		start = end
	}
	if g.cfg.FailureThreshold > 0 {
		out = append(out, g.failureEdges(withVec)...)
	}
	if g.cfg.CrossAreaThreshold > 0 {
		if len(withVec) <= g.cfg.ExactLimit {
			out = g.allPairs(out, withVec, true)
		} else {
			lists, crossOnly = append(lists, withVec), append(crossOnly, true)
		}
	}
	if len(lists) > 0 {
		idx := newLSHIndex(g.cent, g.dim, len(g.sgs), withVec)
		for i, list := range lists {
			out = append(out, idx.edges(g, list, crossOnly[i])...)
		}
	}
	slices.SortFunc(out, func(x, y edge) int {
		return cmp.Or(cmp.Compare(x.kind.tier(), y.kind.tier()), cmp.Compare(y.sim, x.sim), cmp.Compare(x.a, y.a), cmp.Compare(x.b, y.b))
	})
	return slices.CompactFunc(out, func(x, y edge) bool { return x.a == y.a && x.b == y.b })
}

// allPairs appends the edges among every pair of ids (only across areas when crossOnly).
func (g *grouper) allPairs(out []edge, ids []int32, crossOnly bool) []edge {
	for x := range ids {
		for y := x + 1; y < len(ids); y++ {
			if e, ok := g.pair(ids[x], ids[y], crossOnly); ok {
				out = append(out, e)
			}
		}
	}
	return out
}

// pair is the edge between two signature groups, when they are compatible and close enough for
// the threshold that applies (same area or not).
func (g *grouper) pair(a, b int32, crossOnly bool) (edge, bool) {
	if a > b {
		a, b = b, a
	}
	sa, sb := &g.sgs[a], &g.sgs[b]
	same := sa.area == sb.area
	if crossOnly && same || !sa.facet.compatible(sb.facet) {
		return edge{}, false
	}
	threshold := g.threshold(same)
	if threshold <= 0 {
		return edge{}, false
	}
	sim := g.centroidCos(a, b)
	if float64(sim) >= threshold {
		return edge{a, b, sim, centroidEdge}, true
	}
	if same && g.cfg.WordingThreshold > 0 && float64(sim) >= g.cfg.WordingThreshold && wordingsAgree(sa.words, sb.words) {
		return edge{a, b, sim, wordingEdge}, true
	}
	if g.cfg.WordingThreshold > 0 && float64(sim) >= g.cfg.WordingThreshold && g.mayMention(sa, sb) {
		return edge{a, b, sim, mentionEdge}, true
	}
	if g.cfg.FailureThreshold > 0 && float64(sim) >= g.cfg.FailureThreshold && (g.failureCandidate(sa) || g.failureCandidate(sb)) &&
		sa.namesFailure() && sb.namesFailure() && sharesFailure(sa, sb) {
		return edge{a, b, sim, failureEdge}, true
	}
	return edge{}, false
}

func (g *grouper) centroidCos(a, b int32) float32 {
	return dot(g.cent[int(a)*g.dim:int(a+1)*g.dim], g.cent[int(b)*g.dim:int(b+1)*g.dim])
}

// lshIndex holds each signature group's code in every table.
type lshIndex struct {
	codes [][]uint32 // per table, indexed by signature group number
}

// newLSHIndex hashes the centroids of ids: bit j of a code is the sign of the centroid's dot
// product with hyperplane j of the table. Hyperplanes are Gaussian, from a fixed seed.
func newLSHIndex(cent []float32, dim, n int, ids []int32) *lshIndex {
	rng := rand.New(rand.NewPCG(lshSeed, uint64(dim)))
	planes := make([]float32, lshTables*lshBits*dim)
	for i := range planes {
		planes[i] = float32(rng.NormFloat64())
	}
	idx := &lshIndex{codes: make([][]uint32, lshTables)}
	for t := range idx.codes {
		idx.codes[t] = make([]uint32, n)
	}
	parallel(len(ids), func(from, to int) {
		for _, k := range ids[from:to] {
			c := cent[int(k)*dim : int(k+1)*dim]
			for t := range lshTables {
				var code uint32
				for j := range lshBits {
					p := planes[(t*lshBits+j)*dim : (t*lshBits+j+1)*dim]
					if dot(c, p) >= 0 {
						code |= 1 << (lshBits - 1 - j)
					}
				}
				idx.codes[t][k] = code
			}
		}
	})
	return idx
}

// edges finds the edges among the LSH neighbours in ids: in every table ids are sorted by code,
// and each is paired with the lshWindow ids on either side; a group's partners from all tables
// are deduplicated before they are scored. Only pairs across areas when crossOnly.
func (idx *lshIndex) edges(g *grouper, ids []int32, crossOnly bool) []edge {
	orders := make([][]int32, lshTables)
	pos := make([][]int32, lshTables) // position in orders[t] of ids[i]
	parallel(lshTables, func(from, to int) {
		for t := from; t < to; t++ {
			codes := idx.codes[t]
			order := make([]int32, len(ids))
			for i := range order {
				order[i] = int32(i)
			}
			slices.SortFunc(order, func(a, b int32) int {
				return cmp.Or(cmp.Compare(codes[ids[a]], codes[ids[b]]), cmp.Compare(ids[a], ids[b]))
			})
			p := make([]int32, len(ids))
			for x, i := range order {
				p[i] = int32(x)
			}
			orders[t], pos[t] = order, p
		}
	})
	chunks := chunkCount(len(ids))
	found := make([][]edge, chunks)
	parallelChunks(len(ids), chunks, func(c, from, to int) {
		var partners []int32
		var out []edge
		for i := from; i < to; i++ {
			a := ids[i]
			partners = partners[:0]
			for t := range lshTables {
				order, x := orders[t], int(pos[t][i])
				for y := max(0, x-lshWindow); y <= min(len(order)-1, x+lshWindow); y++ {
					if b := ids[order[y]]; b > a {
						partners = append(partners, b)
					}
				}
			}
			slices.Sort(partners)
			for j, b := range partners {
				if j > 0 && partners[j-1] == b {
					continue // found in another table too
				}
				if e, ok := g.pair(a, b, crossOnly); ok {
					out = append(out, e)
				}
			}
		}
		found[c] = out
	})
	return slices.Concat(found...)
}

// chunkCount is how many pieces to cut n items into for the workers.
func chunkCount(n int) int { return max(1, min(n, 8*runtime.GOMAXPROCS(0))) }

// parallel runs work over [0, n) in chunks on GOMAXPROCS goroutines.
func parallel(n int, work func(from, to int)) {
	parallelChunks(n, chunkCount(n), func(_, from, to int) { work(from, to) })
}

// parallelChunks cuts [0, n) into chunks pieces and runs work(chunk, from, to) for each, on at
// most GOMAXPROCS goroutines. Each chunk writes only its own results, so the outcome does not
// depend on scheduling.
func parallelChunks(n, chunks int, work func(chunk, from, to int)) {
	if n == 0 {
		return
	}
	workers := min(chunks, runtime.GOMAXPROCS(0))
	next := make(chan int, chunks)
	for c := range chunks {
		next <- c
	}
	close(next)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for c := range next {
				work(c, c*n/chunks, (c+1)*n/chunks)
			}
		})
	}
	wg.Wait()
}
