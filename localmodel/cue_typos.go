package localmodel

import "feedbackpipe/typo"

// typoIndex finds the cue word a misspelt word stands for. Customers type fast: "dupliacte",
// "twise", "recieved" miss every cue spelt right, and a message whose only cue is misspelt would
// read as saying nothing. Only words of at least minTypoLength letters that are no cue word and no
// common English word are read as a typo, and only when exactly one cue word is one edit away
// (two neighbouring letters swapped, one dropped, added or replaced).
type typoIndex struct {
	words map[string]bool // every cue word
	near  *typo.Index     // the cue words a typo may stand for
}

// cueTypos indexes the words of every cue list.
var cueTypos = newTypoIndex(bugCues, requestCues, howToCues, billingCues, accountCues, thanksCues, spamCues,
	symptomCues, deleteCues, repeatCues)

// longStopword is the length from which a cue's stopword is long enough to be misspelt and still
// recognised ("allready", "anymroe").
const longStopword = 6

func newTypoIndex(lists ...cueList) *typoIndex {
	ix := &typoIndex{words: map[string]bool{}, near: typo.NewIndex()}
	for _, l := range lists {
		for _, c := range l.cues {
			for _, w := range c.words {
				ix.words[w] = true
			}
		}
	}
	for w := range ix.words {
		if len(w) < minTypoLength-1 || stopwords[w] && len(w) < longStopword {
			continue // "this" in "fix this" is no word a typo is read as; "already" is
		}
		ix.near.Add(w)
	}
	return ix
}

// fix returns the stem of the cue word t is a typo of, or t's stem. The word as written must be
// minTypoLength long; stems may be one letter shorter ("twise" and "twice" stem to "twis" and
// "twic").
func (ix *typoIndex) fix(t token) string {
	w := t.stem
	if len(t.surface) < minTypoLength || len(w) < minTypoLength-1 || ix.words[w] || commonness(w) > 0 || stopwords[t.surface] {
		return w
	}
	near := ix.near.Near(w)
	if len(near) != 1 {
		return w // near no cue word, or two: no guess
	}
	return near[0]
}
