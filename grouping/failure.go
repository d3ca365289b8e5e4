package grouping

import (
	"cmp"
	"slices"
	"strings"
)

// This file compares the failures of small signature groups: short support messages often leave
// an extractor no good object word, so one issue's first conversations mint signatures that
// share the failure and differ in the object (quota_rate_limited, traffic_rate_limited,
// api_429_rate_limited), each too small to be a story.

// maxObjectTokens is how many leading tokens of a signature may name its object; the rest is
// its failure.
const maxObjectTokens = 2

// problemActions are the action types whose signatures name a failure: feature requests and
// questions name what is wanted, so a shared tail says nothing there.
var problemActions = map[string]bool{"bug_report": true, "complaint": true}

// failureWords are general words of how something fails (no product's words), folded as
// wordings are (the package's initialization builds wordClasses first, since wording reads it);
// a signature's tail names a failure only if it holds one of them (dark_mode's "mode" names none).
var failureWords = foldedSet(
	"fail", "missing", "duplicate", "wrong", "slow", "timeout", "crash", "reject", // word classes
	"stuck", "freeze", "frozen", "limited", "throttled", // denied folds with reject
	"expired", "invalid", "blocked", "locked", "loop", "loops", "disconnects", "unavailable",
	"outage", "overcharged", "charged", "corrupted", "empty", "blank", "late", "early", "shifted",
	"installing",
)

// foldedSet is the set of the words' folded forms.
func foldedSet(words ...string) map[string]bool {
	set := map[string]bool{}
	for _, w := range words {
		for _, f := range wording(w) {
			set[f] = true
		}
	}
	return set
}

// failures are a signature's possible failures: its folded wording after its first one or two
// tokens, keyed as one string; none when what would be left names no failure, or only a generic
// one ("fails", "error").
func failures(sig string) []string {
	toks := strings.Split(sig, "_")
	var out []string
	for drop := 1; drop <= maxObjectTokens && drop < len(toks); drop++ {
		w := wording(strings.Join(toks[drop:], "_"))
		if len(w) == 1 && w[0] == "fail" || !slices.ContainsFunc(w, func(x string) bool { return failureWords[x] }) {
			continue
		}
		out = append(out, strings.Join(w, " "))
	}
	return slices.Compact(out)
}

// sharesFailure: the two signatures have a failure in common and differ in their objects.
func sharesFailure(a, b *sigGroup) bool {
	if a.sig == b.sig {
		return false
	}
	for _, fa := range a.failures {
		if slices.Contains(b.failures, fa) {
			return true
		}
	}
	return false
}

// namesFailure: a signature group of a problem whose signature names a failure.
func (s *sigGroup) namesFailure() bool { return s.problem && len(s.failures) > 0 }

// failureCandidate: a signature group small enough, and of a problem, for failure agreement.
func (g *grouper) failureCandidate(s *sigGroup) bool {
	return s.namesFailure() && s.weight < g.cfg.MinSize
}

// failureEdges finds the pairs of problem signature groups of any areas that share a failure (by
// the failure as key: linear in the groups), and keeps those pair accepts as failure edges (at
// least one of them small) or mention edges (two stories that may name each other's object).
func (g *grouper) failureEdges(ids []int32) []edge {
	type key struct {
		failure string
		group   int32
	}
	var keys []key
	for _, k := range ids {
		if s := &g.sgs[k]; s.namesFailure() {
			for _, f := range s.failures {
				keys = append(keys, key{f, k})
			}
		}
	}
	slices.SortFunc(keys, func(x, y key) int {
		return cmp.Or(strings.Compare(x.failure, y.failure), cmp.Compare(x.group, y.group))
	})
	var out []edge
	for start := 0; start < len(keys); {
		end := start + 1
		for end < len(keys) && keys[end].failure == keys[start].failure {
			end++
		}
		run := keys[start:end]
		for x := range run {
			for y := x + 1; y < len(run) && y-x <= maxWordingPartners; y++ {
				e, ok := g.pair(run[x].group, run[y].group, false)
				if ok && (e.kind == failureEdge || e.kind == mentionEdge) {
					out = append(out, e)
				}
			}
		}
		start = end
	}
	return out
}

// clustersShareFailure: one cluster is all small problem groups and not established; the other is
// too, or is established and all problem groups; and every signature group of the one shares a
// failure with, or reaches MergeThreshold against, every one of the other.
func (g *grouper) clustersShareFailure(ra, rb int32) bool {
	if g.cl[ra].established {
		ra, rb = rb, ra
	}
	joins := g.cl[rb].established
	return g.everyPair(ra, rb, func(a, b *sigGroup, cos func() float64) bool {
		return g.failureCandidate(a) && (g.failureCandidate(b) || joins && b.namesFailure()) &&
			(sharesFailure(a, b) || cos() >= g.cfg.MergeThreshold)
	})
}
