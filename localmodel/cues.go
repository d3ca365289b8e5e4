package localmodel

import "slices"

// cue is a phrase, as a sequence of stems, with the weight a match adds to a score.
type cue struct {
	words  []string
	weight float64
}

// cues compiles phrases with one weight; phrases are tokenized and stemmed like any text, so
// "doesn't work" also matches "doesnt works". Phrases that compile to the same words ("hasn't
// arrived", "not arrived") are kept once.
func cues(weight float64, phrases ...string) []cue {
	out := make([]cue, 0, len(phrases))
	for _, p := range phrases {
		ws := cueSeq(tokenize(p))
		if len(ws) > 0 && !slices.ContainsFunc(out, func(c cue) bool { return slices.Equal(c.words, ws) }) {
			out = append(out, cue{words: ws, weight: weight})
		}
	}
	return out
}

// negations are contractions that cue phrases spell as "not" ("isn't sent" is "not sent").
var negations = surfaceSet("isnt arent wasnt werent hasnt havent hadnt")

// auxiliaries are dropped before cue matching ("not being sent", "won't be saved").
var auxiliaries = surfaceSet("be been being")

// cueSeq is the sequence cues are matched against: stems, with negating contractions written
// "not" and forms of "be" dropped.
func cueSeq(tokens []token) []string {
	out := make([]string, 0, len(tokens))
	for _, t := range tokens {
		switch {
		case auxiliaries[t.surface]:
		case negations[t.surface]:
			out = append(out, "not")
		default:
			out = append(out, t.stem)
		}
	}
	return out
}

// concat joins cue lists.
func concat(lists ...[]cue) []cue {
	var out []cue
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// countPhrase counts the occurrences of words as a contiguous run of seq.
func countPhrase(seq, words []string) int {
	n := 0
outer:
	for i := 0; i+len(words) <= len(seq); i++ {
		for j, w := range words {
			if seq[i+j] != w {
				continue outer
			}
		}
		n++
	}
	return n
}

// maxHitsPerCue caps how much one repeated cue can add, so one word said five times does not
// outweigh several different cues.
const maxHitsPerCue = 3

// cueScore sums the weights of every cue found in seq, each counted at most maxHitsPerCue times.
func cueScore(seq []string, list []cue) float64 {
	total := 0.0
	for _, c := range list {
		if n := countPhrase(seq, c.words); n > 0 {
			total += c.weight * float64(min(n, maxHitsPerCue))
		}
	}
	return total
}

// hasCue reports whether any cue of list occurs in seq.
func hasCue(seq []string, list []cue) bool {
	for _, c := range list {
		if countPhrase(seq, c.words) > 0 {
			return true
		}
	}
	return false
}
