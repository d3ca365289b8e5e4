package grouping

import (
	"fmt"
	"math"
	"math/rand/v2"

	"feedbackpipe/vector"
)

// synthetic makes n themes of nSigs signatures over nAreas product areas, with dim-dimensional
// clustered vectors, and their true issue labels. Issues (one per 2.5 signatures) have a random
// centre; an issue's signatures (1 for most, up to a handful: the extractor's spellings) lie
// around it (centre cosine ≈ 0.86, two signatures of one issue ≈ 0.74); items lie around their
// signature (≈ 0.7). Areas follow a skewed distribution (the busiest area holds ~1/7 of the
// issues); 10% of signatures are filed under another area than their issue's. Signature sizes
// are heavy-tailed: every signature has one item, the rest go to a power-law head. A fifth of
// the issues are look-alikes of another (same area, centres ≈ 0.7 apart), so merging can go
// wrong. Most issues are bugs with a mix of directions; some are feature requests and how-to
// questions; the extractor gives a bug's direction as "modification" now and then.
func synthetic(n, nSigs, nAreas, dim int, seed uint64) ([]Item, map[string]string) {
	rng := rand.New(rand.NewPCG(seed, 7))
	unit := func(base []float64, noise float64) []float64 {
		v := make([]float64, dim)
		var norm float64
		for d := range v {
			v[d] = rng.NormFloat64() / math.Sqrt(float64(dim)) * noise
			if base != nil {
				v[d] += base[d]
			}
			norm += v[d] * v[d]
		}
		norm = math.Sqrt(norm)
		for d := range v {
			v[d] /= norm
		}
		return v
	}
	type issue struct {
		centre         []float64
		area           int
		action, direct string
	}
	nIssues := max(1, nSigs*2/5)
	issues := make([]issue, nIssues)
	for i := range issues {
		is := issue{centre: unit(nil, 1), area: int(float64(nAreas) * math.Pow(rng.Float64(), 2))}
		if i > 0 && rng.Float64() < 0.2 {
			// a look-alike of the previous issue: same area, centres ≈ 0.7 apart
			is = issue{centre: unit(issues[i-1].centre, 1), area: issues[i-1].area}
		}
		switch r := rng.Float64(); {
		case r < 0.7:
			is.action = "bug_report"
			is.direct = []string{"deficit", "deficit", "modification", "performance", "excess"}[rng.IntN(5)]
		case r < 0.9:
			is.action, is.direct = "feature_request", "creation"
		default:
			is.action, is.direct = "how_to_question", "neutral"
		}
		issues[i] = is
	}
	type sig struct {
		name   string
		issue  int
		area   int
		centre []float64
	}
	sigs := make([]sig, nSigs)
	for j := range sigs {
		iss := j
		if j >= nIssues {
			iss = rng.IntN(nIssues)
		}
		s := sig{name: fmt.Sprintf("sig_%06d", j), issue: iss, area: issues[iss].area, centre: unit(issues[iss].centre, 0.6)}
		if rng.Float64() < 0.1 {
			s.area = rng.IntN(nAreas)
		}
		sigs[j] = s
	}
	items := make([]Item, n)
	truth := make(map[string]string, n)
	for i := range items {
		j := i
		if i >= nSigs {
			j = int(float64(nSigs) * math.Pow(rng.Float64(), 3))
		}
		s := sigs[j]
		is := issues[s.issue]
		v := unit(s.centre, 1)
		f := make([]float32, dim)
		for d := range v {
			f[d] = float32(v[d])
		}
		vec := vector.Quantize(f)
		dir := is.direct
		if is.action == "bug_report" && rng.Float64() < 0.1 {
			dir = "modification" // extractors disagree now and then
		}
		id := fmt.Sprintf("c%07d", i)
		items[i] = Item{ID: id, Signature: s.name, ProductArea: fmt.Sprintf("area_%02d", s.area),
			ActionType: is.action, Direction: dir, Vector: vec}
		truth[id] = fmt.Sprintf("issue_%06d", s.issue)
	}
	rng.Shuffle(len(items), func(a, b int) { items[a], items[b] = items[b], items[a] })
	return items, truth
}
