package localmodel

import (
	"math"
	"slices"

	"feedbackpipe/review"
)

// A group can agree on every facet and still hold two issues: "the password reset email never
// comes" and "the client got no booking confirmation" are both an email not received. What tells
// them apart is what the customers write about: two rare words, each used by a good part of
// the members and almost never by the same member ("reset", "confirmation"). vocabularySplit
// finds such a pair and splits the group on it, which is what a reviewer reading the excerpts does.

// minCoverShare is the share of the members the two words must cover together.
const minCoverShare = 0.7

// vocabularySplit splits the members on two distinguishing words, or returns nil. Each word must
// be used by more than minPartSize members (three customers writing one message alike are not
// an issue of their own) and a quarter of the group, the two by at most one
// member in common, and together by minCoverShare of the members; a member using neither joins
// the part whose words it shares most (the larger part on a tie).
func vocabularySplit(members []review.Member) [][]review.Member {
	n := len(members)
	need := max(minPartSize+1, int(math.Ceil(float64(n)/4)))
	words := make([]map[string]bool, n)
	users := map[string][]int{}
	for i, m := range members {
		words[i] = memberTerms(m)
		for w := range words[i] {
			users[w] = append(users[w], i)
		}
	}
	var cands []string
	for w, us := range users {
		if len(us) >= need && len(us) < n {
			cands = append(cands, w)
		}
	}
	slices.Sort(cands)
	bestA, bestB, bestCover := "", "", int(math.Ceil(minCoverShare*float64(n)))-1
	for i, a := range cands {
		for _, b := range cands[i+1:] {
			common := overlap(users[a], users[b])
			if cover := len(users[a]) + len(users[b]) - common; common <= 1 && cover > bestCover {
				bestA, bestB, bestCover = a, b, cover
			}
		}
	}
	if bestA == "" {
		return nil
	}
	// the members using one word and not the other, then the rest by the words they share
	var sides [2][]int
	var rest []int
	for i := range members {
		switch a, b := words[i][bestA], words[i][bestB]; {
		case a && !b:
			sides[0] = append(sides[0], i)
		case b && !a:
			sides[1] = append(sides[1], i)
		default:
			rest = append(rest, i)
		}
	}
	vocab := [2]map[string]int{termUses(words, sides[0]), termUses(words, sides[1])}
	for _, i := range rest {
		sa, sb := sharedTerms(words[i], vocab[0]), sharedTerms(words[i], vocab[1])
		if sa > sb || sa == sb && len(sides[0]) >= len(sides[1]) {
			sides[0] = append(sides[0], i)
		} else {
			sides[1] = append(sides[1], i)
		}
	}
	parts := make([][]review.Member, 2)
	for p, side := range sides {
		for _, i := range side {
			parts[p] = append(parts[p], members[i])
		}
	}
	return parts
}

// termPrefix is how many leading letters of a word stand for it when members' words are
// compared, so "confirm", "confirmation" and "confirmação" are one word.
const termPrefix = 6

// memberTerms are the rare content words of a member's excerpt, by their first termPrefix
// letters: words that name something, not how it fails, and are not everyday English.
func memberTerms(m review.Member) map[string]bool {
	set := map[string]bool{}
	for _, t := range tokenize(m.Excerpt) {
		if isContent(t) && len(t.stem) >= 4 && !symptomWords[t.surface] && commonness(t.stem) == 0 {
			w := []rune(t.surface)
			set[string(w[:min(len(w), termPrefix)])] = true
		}
	}
	return set
}

// termUses counts the members (by index into words) using each word.
func termUses(words []map[string]bool, members []int) map[string]int {
	df := map[string]int{}
	for _, i := range members {
		for w := range words[i] {
			df[w]++
		}
	}
	return df
}

// sharedTerms is how many of the part's uses of a member's words there are.
func sharedTerms(words map[string]bool, df map[string]int) int {
	n := 0
	for w := range words {
		n += df[w]
	}
	return n
}

// overlap counts the indices in both sorted lists.
func overlap(a, b []int) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			n++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return n
}
