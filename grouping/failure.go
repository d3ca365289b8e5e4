package grouping

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
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
	"stuck", "freeze", "frozen", "limited", "throttled", "denied",
	"expired", "invalid", "blocked", "locked", "loop", "loops", "disconnects", "unavailable",
	"outage", "overcharged", "charged", "corrupted", "empty", "blank", "late", "early", "shifted",
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

// lookAlikes: two problem signatures that name one failure about objects with no word in common
// (slot_duplicate and charge_duplicate, iphone_crash and editor_crash): one failure said of two
// things is two issues as often as one.
func lookAlikes(a, b *sigGroup) bool {
	_, _, ok := lookAlikeObjects(a, b)
	return ok
}

// lookAlikeObjects returns the object words of two look-alike signatures (see lookAlikes).
func lookAlikeObjects(a, b *sigGroup) (oa, ob []string, ok bool) {
	if !a.namesFailure() || !b.namesFailure() {
		return nil, nil, false
	}
	for _, f := range a.failures {
		if !slices.Contains(b.failures, f) {
			continue
		}
		fw := strings.Fields(f)
		oa, ob = objectWords(a.sig, fw), objectWords(b.sig, fw)
		if len(oa) > 0 && len(ob) > 0 && !slices.ContainsFunc(oa, func(w string) bool { return slices.Contains(ob, w) }) {
			return oa, ob, true
		}
	}
	return nil, nil, false
}

// Mentions: of two look-alike stories, the customers of each naming the other's object in their
// own words ("bank connection expired" in connection_disconnects, "the connection to my bank" in
// bank_disconnects) say they are one issue the extractor named two ways. Measured on the
// signature groups of the six sets that name one failure of different objects: four pairs of one
// issue had at least a quarter of each side naming the other's object (0.25–1.0); pairs of two
// issues had it on one side at most (up to 0.36: "post", "link" and "page" are everyday words of
// other issues too), never on both.
const (
	minMentionShare   = 0.25 // of each side's members, naming the other's object
	maxMentionMembers = 50   // members read per signature group (the first ones)
)

// mayMention: two established look-alike signature groups, whose members' words may tell.
func (g *grouper) mayMention(a, b *sigGroup) bool {
	return a.weight >= g.cfg.MinSize && b.weight >= g.cfg.MinSize && lookAlikes(a, b)
}

// mentions reports whether the look-alike signature groups a and b (cluster roots or members)
// name each other's object: at least minMentionShare of each one's members name a word of the
// other's object.
func (g *grouper) mentions(a, b int32) bool {
	oa, ob, ok := lookAlikeObjects(&g.sgs[a], &g.sgs[b])
	return ok && g.nameShare(a, ob) >= minMentionShare && g.nameShare(b, oa) >= minMentionShare
}

// nameShare is the share of signature group k's members (the first maxMentionMembers) whose
// excerpt names one of words, folded as wordings are.
func (g *grouper) nameShare(k int32, words []string) float64 {
	named := g.namedWords(k)
	n := min(len(g.sgs[k].members), maxMentionMembers)
	if n == 0 {
		return 0
	}
	best := 0
	for _, w := range words {
		best = max(best, named[w])
	}
	return float64(best) / float64(n)
}

// namedWords counts, over signature group k's first maxMentionMembers members, the members whose
// excerpt holds each folded word; computed once per group, for the few groups checked.
func (g *grouper) namedWords(k int32) map[string]int {
	if named, ok := g.named[k]; ok {
		return named
	}
	named := map[string]int{}
	members := g.sgs[k].members
	for _, m := range members[:min(len(members), maxMentionMembers)] {
		words := strings.FieldsFunc(strings.ToLower(g.items[m].Excerpt), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		})
		for _, w := range slices.Compact(slices.Sorted(slices.Values(wording(strings.Join(words, "_"))))) {
			named[w]++
		}
	}
	if g.named == nil {
		g.named = map[int32]map[string]int{}
	}
	g.named[k] = named
	return named
}

// objectWords are the folded words of sig that are not words of its failure.
func objectWords(sig string, failure []string) []string {
	var out []string
	for _, w := range wording(sig) {
		if !slices.Contains(failure, w) {
			out = append(out, w)
		}
	}
	return out
}

// namesFailure: a signature group of a problem whose signature names a failure.
func (s *sigGroup) namesFailure() bool { return s.problem && len(s.failures) > 0 }

// failureCandidate: a signature group small enough, and of a problem, for failure agreement.
func (g *grouper) failureCandidate(s *sigGroup) bool {
	return s.namesFailure() && s.weight < g.cfg.MinSize
}

// failureEdges finds the pairs of problem signature groups, at least one of them small, of any
// areas, that share a failure (by the failure as key: linear in the groups), and keeps those pair
// accepts as failure edges.
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
				if e, ok := g.pair(run[x].group, run[y].group, false); ok && (e.kind == failureEdge || e.kind == mentionEdge) {
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
