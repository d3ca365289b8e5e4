package activities

import (
	"encoding/json"

	"feedbackpipe/review"
	"feedbackpipe/store"
)

// aheadGrowth bounds the growth a reused review covers: a group may hold at most a quarter more
// members (at least one) than the listed group whose answer it reuses.
const aheadGrowth = 4

// reuseAhead gives each candidate that has no cached answer of its own the answer of the listed
// group it grew from, when the run reviewed one ahead: the candidate holds every member of exactly
// one listed group and of no other, and grew by at most a quarter. The answer is read against the
// sample the listed group was shown, recomputed from the themes (and checked against the one
// stored), so its parts name the same members; the members that joined since follow the shown
// member most like them (review.Answer.Assign). cached holds the answers of the candidates' and
// the listed groups' member sets.
func reuseAhead(list []store.AheadGroup, outcomes []*reviewOutcome, hashes []string, cached map[string][]byte) {
	if len(list) == 0 {
		return
	}
	owner := map[string]int{}
	for l, g := range list {
		for _, id := range g.MemberIDs {
			owner[id] = l
		}
	}
	for k, o := range outcomes {
		if cached[hashes[k]] != nil {
			continue
		}
		l, ok := grewFrom(o.members, owner, list)
		if !ok || cached[list[l].MemberHash] == nil {
			continue
		}
		sample, ok := listedSample(list[l], o.members)
		if !ok {
			continue
		}
		whole := o.group
		o.group = sample
		if o.fromCache(cached[list[l].MemberHash]) {
			o.ahead = true
		} else {
			o.group = whole
		}
	}
}

// listedHashes are the member-set hashes of the listed groups.
func listedHashes(list []store.AheadGroup) []string {
	out := make([]string, len(list))
	for i, g := range list {
		out[i] = g.MemberHash
	}
	return out
}

// grewFrom is the listed group the members grew from: every member of exactly one listed group,
// of no other, and at most a quarter more (at least one).
func grewFrom(members []review.Member, owner map[string]int, list []store.AheadGroup) (int, bool) {
	held := map[int]int{}
	for _, m := range members {
		if l, ok := owner[m.ID]; ok {
			held[l]++
		}
	}
	if len(held) != 1 {
		return 0, false
	}
	for l, n := range held {
		size := len(list[l].MemberIDs)
		if n == size && len(members)-size <= max(1, size/aheadGrowth) {
			return l, true
		}
	}
	return 0, false
}

// listedSample recomputes, from the members now (a superset), the sample the listed group was
// shown, with conversation IDs; false when it does not read as the one stored (a theme changed
// since), so the answer's references could name other members.
func listedSample(g store.AheadGroup, members []review.Member) (review.Group, bool) {
	in := make(map[string]bool, len(g.MemberIDs))
	for _, id := range g.MemberIDs {
		in[id] = true
	}
	var listed []review.Member
	for _, m := range members {
		if in[m.ID] {
			listed = append(listed, m)
		}
	}
	sample := review.Sample(listed)
	var stored review.Group
	if err := json.Unmarshal(g.Sample, &stored); err != nil {
		return review.Group{}, false
	}
	again, err := json.Marshal(sample)
	if err != nil {
		return review.Group{}, false
	}
	want, err := json.Marshal(stored)
	if err != nil || string(again) != string(want) {
		return review.Group{}, false
	}
	return sample, true
}
