package localmodel

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"unicode/utf8"
)

// Weights of salience.
const (
	subjectWeight      = 3.0  // a subject word counts three times a message word (once in a reply's subject)
	headBonus          = 0.5  // last word of a noun phrase opened by a determiner or preposition
	phraseBonus        = 0.25 // other words of such a noun phrase
	maxGap             = 1    // stopwords allowed between the two words of a bigram (which then counts half)
	minCompoundWeight  = 2.0  // bigram weight that joins two terms into one object
	laterMessageWeight = 0.5  // a customer message after the first
)

// termStats are the salient terms of a conversation: content words by stem with a salience
// score, the surface forms seen for each stem, and weighted ordered bigrams of content words.
type termStats struct {
	score   map[string]float64
	forms   map[string]map[string]float64
	bigrams map[[2]string]float64
	first   map[string]int // position of a stem's first occurrence (subject first)
	seen    int            // tokens read so far
	ranked  []string       // stems by score, highest first; ties: mentioned first, then alphabetical
}

// analyzeTerms collects salient terms from the subject (each word counting subjectWeight times)
// and the customer's messages.
func analyzeTerms(subject string, subjectWeight float64, bodies []string) *termStats {
	ts := &termStats{score: map[string]float64{}, forms: map[string]map[string]float64{},
		bigrams: map[[2]string]float64{}, first: map[string]int{}}
	ts.add(subject, subjectWeight)
	for i, b := range bodies {
		w := 1.0
		if i > 0 { // a later message ("any update?") rarely names the thing better than the first
			w = laterMessageWeight
		}
		ts.add(b, w)
	}
	for s := range ts.score {
		ts.ranked = append(ts.ranked, s)
	}
	slices.SortFunc(ts.ranked, func(a, b string) int {
		return cmp.Or(cmp.Compare(ts.score[b], ts.score[a]), cmp.Compare(ts.first[a], ts.first[b]), cmp.Compare(a, b))
	})
	return ts
}

func (ts *termStats) add(text string, w float64) {
	toks := tokenize(text)
	prev, gap := -1, 0 // last content token in this clause, stopwords since
	inPhrase := false  // inside a noun phrase opened by a determiner or preposition
	opened := false    // the phrase has no content word yet: words without content ("a Go SDK", "our own wrapper") do not end it
	for i, t := range toks {
		if t.brk {
			prev, gap, inPhrase, opened = -1, 0, false, false
		}
		if !isContent(t) {
			if nounCues[t.surface] {
				inPhrase, opened = true, true
			} else if !opened {
				inPhrase = false
			}
			if prev >= 0 {
				gap++
			}
			continue
		}
		s := w * informativeness(t.stem)
		if strings.HasSuffix(t.surface, "ly") {
			s *= 0.5
		}
		if inPhrase {
			s += phraseBonus * w
			if next := i + 1; next == len(toks) || toks[next].brk || !isContent(toks[next]) || symptomWords[toks[next].surface] {
				s += headBonus * w
			}
		}
		if _, ok := ts.first[t.stem]; !ok {
			ts.first[t.stem] = ts.seen + i
		}
		ts.score[t.stem] += s
		if ts.forms[t.stem] == nil {
			ts.forms[t.stem] = map[string]float64{}
		}
		ts.forms[t.stem][t.surface] += w
		if prev >= 0 && gap <= maxGap && toks[prev].stem != t.stem {
			ts.bigrams[[2]string{toks[prev].stem, t.stem}] += w / float64(1+gap)
		}
		prev, gap, opened = i, 0, false
	}
	ts.seen += len(toks)
}

// top is the highest salience score, 0 without terms.
func (ts *termStats) top() float64 {
	if len(ts.ranked) == 0 {
		return 0
	}
	return ts.score[ts.ranked[0]]
}

// salience is a term's score relative to the top term, in [0, 1].
func (ts *termStats) salience(stem string) float64 {
	if t := ts.top(); t > 0 {
		return min(1, ts.score[stem]/t)
	}
	return 0
}

// objectCandidate reports whether a term can name the affected thing: some surface form of it
// seen in the conversation is not a symptom word.
func (ts *termStats) objectCandidate(stem string) bool {
	for surface := range ts.forms[stem] {
		if !symptomWords[surface] {
			return true
		}
	}
	return false
}

// adverbial reports a word ending in -ly ("perfectly", "monthly"): it may qualify an object's
// head ("monthly report") but is never the head itself.
func adverbial(stem string) bool { return len(stem) > 4 && strings.HasSuffix(stem, "ly") }

// object returns the stems naming the affected thing: the most salient candidate term, passing
// over past participles, times of day and people ("clients") when another candidate is left
// (salience already weighs how rare a word is in general English, so the head is usually the
// noun that names a component). It is joined by a partner only for a compound written as one
// unit more than once ("gift card", "api key"): the partner must be rare in general English, form the
// bigram with weight at least minCompoundWeight, and be nearly as salient. Keeping the object
// short makes paraphrases of one issue reach one signature. The pair is ordered as written most
// often, alphabetically on a tie.
func (ts *termStats) object() []string {
	var cands []string
	for _, s := range ts.ranked {
		if ts.objectCandidate(s) {
			cands = append(cands, s)
		}
	}
	if len(cands) == 0 {
		return nil
	}
	i := slices.IndexFunc(cands, func(s string) bool {
		return !adverbial(s) && !ts.participle(s) && !clockTime(s) && !ts.person(s)
	})
	if i < 0 {
		i = slices.IndexFunc(cands, func(s string) bool { return !adverbial(s) })
	}
	if i < 0 {
		return nil
	}
	head := cands[i]
	partner, bestPair := "", 0.0
	for _, c := range cands {
		pair := ts.bigrams[[2]string{head, c}] + ts.bigrams[[2]string{c, head}]
		if c == head || pair < minCompoundWeight || commonness(c) > 0 || ts.verbForm(c) || ts.score[c] < 0.5*ts.score[head] {
			continue
		}
		if pair > bestPair || (pair == bestPair && ts.score[c] > ts.score[partner]) {
			partner, bestPair = c, pair
		}
	}
	if partner == "" {
		return []string{head}
	}
	fwd, back := ts.bigrams[[2]string{head, partner}], ts.bigrams[[2]string{partner, head}]
	if fwd > back || (fwd == back && head < partner) {
		return []string{head, partner}
	}
	return []string{partner, head}
}

// participle reports a term seen mostly as a past participle ("delivered", "shipped", not
// "feed" or "speed"): it says what happened to the object, so the object's head is another word
// when there is one.
func (ts *termStats) participle(stem string) bool { return ts.mostly(stem, pastParticiple) }

// person reports a term seen mostly as the plural of the people a product serves ("clients").
func (ts *termStats) person(stem string) bool {
	return ts.mostly(stem, func(w string) bool { return people[w] })
}

// mostly reports whether the stem's surface forms that are written as form outweigh the others.
func (ts *termStats) mostly(stem string, form func(surface string) bool) bool {
	var yes, no float64
	for surface, w := range ts.forms[stem] {
		if form(surface) {
			yes += w
		} else {
			no += w
		}
	}
	return yes > no
}

// pastParticiple reports a word written as a past participle: "-ed" after at least three letters,
// not "-eed" ("shipped", "added", not "feed" or "speed"), or a common irregular one ("taken").
func pastParticiple(w string) bool {
	return len(w) > 4 && strings.HasSuffix(w, "ed") && !strings.HasSuffix(w, "eed") || irregularParticiples[w]
}

// irregularParticiples are the everyday past participles not ending in "-ed".
var irregularParticiples = surfaceSet(`taken given gone done seen known shown written sent broken chosen
forgotten gotten hidden stolen spoken driven eaten fallen paid made lost`)

// clockTime reports a time of day, a span or a day of the month written as one word ("11pm",
// "7am", "1030pm", "24h", "30min", "15th"): when something happens, never what it happens to.
func clockTime(stem string) bool {
	for _, unit := range []string{"pm", "am", "h", "hr", "hrs", "min", "mins", "st", "nd", "rd", "th"} {
		if digits, ok := strings.CutSuffix(stem, unit); ok && digits != "" && len(digits) <= 4 && isDigits(digits) {
			return true
		}
	}
	return false
}

// verbForm reports a term seen mostly as an -ed or -ing form ("delivered", "firing"): it says
// what happened rather than what it happened to.
func (ts *termStats) verbForm(stem string) bool {
	return ts.mostly(stem, func(w string) bool { return strings.HasSuffix(w, "ed") || strings.HasSuffix(w, "ing") })
}

// display is the readable form of a stem: the most frequent uninflected surface form seen
// (plurals made singular), else the most frequent form; ties go to the shorter, then the
// alphabetically first. The result is reduced to [a-z0-9].
func (ts *termStats) display(stem string) string {
	type form struct {
		text   string
		weight float64
		plain  bool
	}
	var forms []form
	for surface, w := range ts.forms[stem] {
		f := singular(surface)
		forms = append(forms, form{f, w, !strings.HasSuffix(f, "ing") && !strings.HasSuffix(f, "ed")})
	}
	slices.SortFunc(forms, func(a, b form) int {
		if a.plain != b.plain {
			if a.plain {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(b.weight, a.weight), cmp.Compare(len(a.text), len(b.text)), cmp.Compare(a.text, b.text))
	})
	word := stem
	if len(forms) > 0 {
		word = forms[0].text
	}
	return asciiWord(word)
}

// asciiWord keeps [a-z0-9] of a word, at most 40 characters. A word with none of them (another
// script) becomes a short stable hash so the signature stays valid and distinct.
func asciiWord(w string) string {
	var b strings.Builder
	for _, r := range w {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 && utf8.RuneCountInString(w) > 0 {
		h := fnv.New32a()
		h.Write([]byte(w))
		return fmt.Sprintf("t%06x", h.Sum32()&0xffffff)
	}
	return clip(b.String(), 40)
}
