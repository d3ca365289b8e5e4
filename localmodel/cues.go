package localmodel

import "slices"

// cue is a phrase, as a sequence of stems, with the weight a match adds to a score.
type cue struct {
	words  []string
	weight float64
}

// cueList is a list of cues indexed by their first word, so finding them in a text takes one
// pass over the text instead of one per cue. Built once, never modified.
type cueList struct {
	cues    []cue
	byFirst map[string][]int32 // positions in cues of the cues starting with the word
}

func newCueList(cs []cue) cueList {
	l := cueList{cues: cs, byFirst: make(map[string][]int32, len(cs))}
	for i, c := range cs {
		l.byFirst[c.words[0]] = append(l.byFirst[c.words[0]], int32(i))
	}
	return l
}

// cues compiles phrases with one weight; phrases are tokenized and stemmed like any text, so
// "doesn't work" also matches "doesnt works". Phrases that compile to the same words ("hasn't
// arrived", "not arrived") are kept once.
func cues(weight float64, phrases ...string) cueList {
	out := make([]cue, 0, len(phrases))
	for _, p := range phrases {
		ws := phraseSeq(tokenize(p))
		if len(ws) > 0 && !slices.ContainsFunc(out, func(c cue) bool { return slices.Equal(c.words, ws) }) {
			out = append(out, cue{words: ws, weight: weight})
		}
	}
	return newCueList(out)
}

// negations are contractions that cue phrases spell as "not" ("isn't sent" is "not sent").
var negations = surfaceSet("isnt arent wasnt werent hasnt havent hadnt")

// auxiliaries are dropped before cue matching ("not being sent", "won't be saved").
var auxiliaries = surfaceSet("be been being")

// phraseSeq is the sequence of a cue phrase: stems, with negating contractions written "not" and
// forms of "be" dropped.
func phraseSeq(tokens []token) []string { return seqOf(tokens, func(t token) string { return t.stem }) }

// cueSeq is the sequence a text's cues are matched against: its phraseSeq, with a word one typo
// away from exactly one cue word read as that word ("dupliacte", "twise"; see cueTypos), and a
// "twice" of the customer's own action read as "again" (see customerRepeats).
func cueSeq(tokens []token) []string {
	fixed := make([]token, len(tokens))
	for i, t := range tokens {
		fixed[i] = t
		fixed[i].stem = cueTypos.fix(t)
	}
	customerRepeats(fixed)
	return phraseSeq(fixed)
}

// contracted are the auxiliaries a following "not" is written into, as customers write them
// either way: "did not get" is "didnt get", "does not load" is "doesnt load".
var contracted = map[string]string{"did": "didnt", "does": "doesnt", "do": "dont", "will": "wont",
	"can": "cant", "could": "couldnt", "would": "wouldnt", "should": "shouldnt"}

// seqOf writes negating contractions "not", an auxiliary and "not" as their contraction ("did
// not" is "didnt"), drops forms of "be" and writes every other token as word says.
func seqOf(tokens []token, word func(token) string) []string {
	out := make([]string, 0, len(tokens))
	for i := 0; i < len(tokens); i++ {
		t := tokens[i]
		switch {
		case auxiliaries[t.surface]:
		case negations[t.surface]:
			out = append(out, "not")
		case contracted[t.surface] != "" && i+1 < len(tokens) && tokens[i+1].surface == "not" && !tokens[i+1].brk:
			out = append(out, stem(contracted[t.surface]))
			i++
		default:
			out = append(out, word(t))
		}
	}
	return out
}

// concat joins cue lists (a cue in two of them counts twice).
func concat(lists ...cueList) cueList {
	var out []cue
	for _, l := range lists {
		out = append(out, l.cues...)
	}
	return newCueList(out)
}

// at reports whether words occur in seq from position i.
func at(seq []string, i int, words []string) bool {
	if i+len(words) > len(seq) {
		return false
	}
	for j, w := range words {
		if seq[i+j] != w {
			return false
		}
	}
	return true
}

// maxHitsPerCue caps how much one repeated cue can add, so one word said five times does not
// outweigh several different cues.
const maxHitsPerCue = 3

// score sums the weights of every cue found in seq, each counted at most maxHitsPerCue times,
// added in the list's order (so equal texts give bit-identical scores).
func (l cueList) score(seq []string) float64 {
	var hits []int32
	for i, w := range seq {
		for _, c := range l.byFirst[w] {
			if at(seq, i, l.cues[c].words) {
				hits = append(hits, c)
			}
		}
	}
	if len(hits) == 0 {
		return 0
	}
	slices.Sort(hits)
	total := 0.0
	for i := 0; i < len(hits); {
		j := i
		for j < len(hits) && hits[j] == hits[i] {
			j++
		}
		total += l.cues[hits[i]].weight * float64(min(j-i, maxHitsPerCue))
		i = j
	}
	return total
}

// in reports whether any cue of the list occurs in seq.
func (l cueList) in(seq []string) bool {
	for i, w := range seq {
		for _, c := range l.byFirst[w] {
			if at(seq, i, l.cues[c].words) {
				return true
			}
		}
	}
	return false
}
