package grouping

import (
	"cmp"
	"slices"

	"feedbackpipe/typo"
)

// minSlipWord is the shortest folded word read as a misspelling of another: shorter words one
// slip apart are too often two words ("order" and "border", "trial" and "trail").
const minSlipWord = 6

// spellings reads each folded word of the signatures as one spelling: a word one slip away (two
// neighbouring letters swapped, one dropped or added; not one replaced, which too often makes
// another word) from a word that more conversations' signatures hold is read as that word, so
// how_to_retrun agrees in wording with how_to_return and langauge_request with
// language_request. A word near two such words is kept as it is. words[k] is signature group
// k's wording; the same words give the same spellings in any order.
func spellings(sgs []sigGroup, words [][]string) map[string]string {
	weight := map[string]int{}
	for k := range sgs {
		for _, w := range words[k] {
			weight[w] += sgs[k].weight
		}
	}
	vocab := make([]string, 0, len(weight))
	for w := range weight {
		if len(w) >= minSlipWord {
			vocab = append(vocab, w)
		}
	}
	slices.SortFunc(vocab, func(a, b string) int { return cmp.Or(cmp.Compare(weight[b], weight[a]), cmp.Compare(a, b)) })
	canon := map[string]string{}
	ix := typo.NewIndex()
	for _, w := range vocab { // most common first: a misspelling meets the word it misspells
		if c, ok := ix.Slip(w); ok && weight[c] > weight[w] {
			canon[w] = c
			continue
		}
		if weight[w] > 1 { // a word of one conversation is no other word's spelling: never indexed
			ix.Add(w)
		}
	}
	return canon
}
