package signature

import (
	"sort"
	"strings"
)

// symptomClass folds spellings of the same generic symptom, so `x_connection_failure` and
// `x_connection_issue` compare as the same signature.
var symptomClass = map[string]string{
	"issue": "fail", "issues": "fail", "problem": "fail", "problems": "fail", "error": "fail",
	"errors": "fail", "failure": "fail", "failures": "fail", "fails": "fail", "failed": "fail",
	"failing": "fail", "fail": "fail", "broken": "fail", "bug": "fail",
	"missing": "missing", "absent": "missing", "lost": "missing", "disappear": "missing", "disappeared": "missing",
	"slow": "slow", "slowness": "slow", "lag": "slow", "latency": "slow",
	"crash": "crash", "crashes": "crash", "crashing": "crash", "crashed": "crash",
	"timeout": "timeout", "timeouts": "timeout", "timed": "timeout",
}

// tokenSet splits a normalized signature into folded tokens (plural s dropped, symptoms classed).
func tokenSet(sig string) map[string]bool {
	set := map[string]bool{}
	for _, t := range strings.Split(sig, "_") {
		if t == "" {
			continue
		}
		if c, ok := symptomClass[t]; ok {
			t = c
		} else if len(t) > 3 && strings.HasSuffix(t, "s") && !strings.HasSuffix(t, "ss") {
			t = t[:len(t)-1]
		}
		set[t] = true
	}
	return set
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for t := range a {
		if b[t] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// foldedKey is the signature's folded tokens, sorted and joined without separators, so spellings
// that differ only by underscores, order or a folded symptom compare equal.
func foldedKey(set map[string]bool) string {
	toks := make([]string, 0, len(set))
	for t := range set {
		toks = append(toks, t)
	}
	sort.Strings(toks)
	return strings.Join(toks, "")
}

// charSimilarity is 1 - normalized Levenshtein distance of a and b.
func charSimilarity(a, b string) float64 {
	if a == b {
		return 1
	}
	ra, rb := []rune(a), []rune(b)
	if len(ra) == 0 || len(rb) == 0 {
		return 0
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return 1 - float64(prev[len(rb)])/float64(max(len(ra), len(rb)))
}
