package localmodel

import (
	"feedbackpipe/extraction"
	"feedbackpipe/typo"
)

// minTypoLength is the shortest stem a typo is forgiven in: shorter words are too often other
// words one letter apart ("cart" and "card").
const minTypoLength = 5

// lookup finds the conversation's term for the stem of a known signature: the stem itself, or a
// term one typo away (two neighbouring letters swapped, one letter dropped, added or replaced)
// when both are at least minTypoLength long, the most salient such term on a tie. "" when none.
func (ts *termStats) lookup(stem string) string {
	if ts.score[stem] > 0 {
		return stem
	}
	if len(stem) < minTypoLength {
		return ""
	}
	for _, t := range ts.ranked { // ranked by salience: the first match is the most salient
		if len(t) >= minTypoLength && typo.OneEdit(stem, t) {
			return t
		}
	}
	return ""
}

// spellings are the object words of the known signatures offered in the prompt.
type spellings map[string]bool

func knownSpellings(known []extraction.KnownSignature) spellings {
	sp := spellings{}
	for _, k := range known {
		for _, w := range parseSignature(k.Signature).object {
			sp[w] = true
		}
	}
	return sp
}

// fix spells a new signature's object word as a known signature does when the word is one typo
// away from it (both at least minTypoLength long; two neighbouring letters swapped, one dropped
// or one added, not one replaced, which too often makes another word: "match" and "batch"):
// "pacakge" becomes "package" once package_missing is known, so a misspelt message joins its
// issue instead of minting pacakge_missing. A word known as it is, or near no known word, or near
// several, is kept.
func (sp spellings) fix(w string) string {
	if len(w) < minTypoLength || sp[w] {
		return w
	}
	found := ""
	for k := range sp {
		if len(k) >= minTypoLength && typo.Slip(w, k) {
			if found != "" {
				return w // near two known words: ambiguous
			}
			found = k
		}
	}
	if found == "" {
		return w
	}
	return found
}
