package localmodel

// typoIndex finds the cue word a misspelt word stands for. Customers type fast: "dupliacte",
// "twise", "recieved" miss every cue spelt right, and a message whose only cue is misspelt would
// read as saying nothing. Only words of at least minTypoLength letters that are no cue word and no
// common English word are read as a typo, and only when exactly one cue word is one edit away
// (two neighbouring letters swapped, one dropped, added or replaced).
type typoIndex struct {
	words   map[string]bool     // every cue word
	deletes map[string][]string // a cue word with one letter dropped (or whole) -> the cue words
}

// cueTypos indexes the words of every cue list.
var cueTypos = newTypoIndex(bugCues, requestCues, howToCues, billingCues, accountCues, thanksCues, spamCues,
	symptomCues, deleteCues, repeatCues)

// longStopword is the length from which a cue's stopword is long enough to be misspelt and still
// recognised ("allready", "anymroe").
const longStopword = 6

func newTypoIndex(lists ...cueList) *typoIndex {
	ix := &typoIndex{words: map[string]bool{}, deletes: map[string][]string{}}
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
		for _, d := range deletions(w) {
			ix.deletes[d] = append(ix.deletes[d], w)
		}
	}
	return ix
}

// deletions is w and every string w becomes with one byte dropped.
func deletions(w string) []string {
	out := []string{w}
	for i := range len(w) {
		out = append(out, w[:i]+w[i+1:])
	}
	return out
}

// fix returns the stem of the cue word t is a typo of, or t's stem. The word as written must be
// minTypoLength long; stems may be one letter shorter ("twise" and "twice" stem to "twis" and
// "twic").
func (ix *typoIndex) fix(t token) string {
	w := t.stem
	if len(t.surface) < minTypoLength || len(w) < minTypoLength-1 || ix.words[w] || commonness(w) > 0 || stopwords[t.surface] {
		return w
	}
	found := ""
	for _, d := range deletions(w) {
		for _, c := range ix.deletes[d] {
			if c == found || !oneTypo(w, c) {
				continue
			}
			if found != "" {
				return w // two cue words one typo away: no guess
			}
			found = c
		}
	}
	if found == "" {
		return w
	}
	return found
}
