package grouping

import (
	"slices"
	"strings"
	"unicode"
)

// This file keeps look-alike stories apart: two established signature groups that name one
// failure of different objects merge on centroids only from LookalikeThreshold, unless their
// customers name each other's object (then from WordingThreshold, as a mentionEdge).

// lookAlikeObjects: two problem signatures are look-alikes when they name one failure about
// objects with no word in common (slot_duplicate and charge_duplicate, iphone_crash and
// editor_crash): one failure said of two things is two issues as often as one. It returns the
// two objects' words.
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
	_, _, ok := lookAlikeObjects(a, b)
	return ok && a.weight >= g.cfg.MinSize && b.weight >= g.cfg.MinSize
}

// lookAlike reports whether signature groups a and b (cluster roots or members) are look-alikes
// and, if so, whether they name each other's object: at least minMentionShare of each one's
// members name a word of the other's object. Members' words are read only for look-alikes.
func (g *grouper) lookAlike(a, b int32) (lookAlike, mutual bool) {
	oa, ob, ok := lookAlikeObjects(&g.sgs[a], &g.sgs[b])
	if !ok {
		return false, false
	}
	return true, g.nameShare(a, ob) >= minMentionShare && g.nameShare(b, oa) >= minMentionShare
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
// excerpt holds each folded word, two neighbouring words also as one (a compound written apart);
// computed once per group, for the few groups checked.
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
		folded := wording(strings.Join(words, "_"))
		for i := 1; i < len(words); i++ { // a compound written as two words: "bank feed" names "bankfeed"
			folded = append(folded, wording(words[i-1]+words[i])...)
		}
		for _, w := range slices.Compact(slices.Sorted(slices.Values(folded))) {
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
