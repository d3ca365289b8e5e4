package localmodel

import (
	"hash/fnv"
	"maps"
	"math"
	"slices"
	"strings"
)

// Feature weights of the embedding.
const (
	unigramWeight = 1.0
	bigramWeight  = 0.6
	trigramWeight = 0.25
	symptomWeight = 1.5 // the failure mode named by the text, whatever its wording
)

// embed turns text into a deterministic unit vector of dim dimensions: stemmed content words
// (weighted by how rare they are in general English, so the words naming a component outweigh
// everyday ones), bigrams of neighbouring content words (stopwords between them skipped, clause
// breaks respected), character trigrams of the stems (so a typo still shares most features), and
// the specific failure mode the text names (a symptom class: "twice", "double" and "duplicated"
// are one feature), each with sublinear term frequency (1 + ln tf), signed FNV-1a feature
// hashing, and L2 normalisation. A text with no content words falls back to all
// its words, then to the whole text, so a non-empty input never gives a zero vector.
func embed(text string, dim int) []float32 {
	counts := features(text, true)
	if len(counts) == 0 {
		counts = features(text, false)
	}
	if len(counts) == 0 {
		counts = map[string]float64{"raw:" + strings.ToLower(strings.TrimSpace(text)): unigramWeight}
	}
	vec := make([]float64, dim)
	for _, f := range slices.Sorted(maps.Keys(counts)) { // fixed order: identical sums every time
		w := counts[f]
		h := fnv.New64a()
		h.Write([]byte(f))
		sum := h.Sum64()
		sign := 1.0
		if sum>>63 == 1 {
			sign = -1
		}
		vec[sum%uint64(dim)] += sign * w
	}
	var norm float64
	for _, v := range vec {
		norm += v * v
	}
	out := make([]float32, dim)
	if norm == 0 { // every feature cancelled out: keep the vector non-zero
		out[0] = 1
		return out
	}
	norm = math.Sqrt(norm)
	for i, v := range vec {
		out[i] = float32(v / norm)
	}
	return out
}

// features maps each feature to its weight: the feature kind's weight times 1 + ln(tf).
func features(text string, contentOnly bool) map[string]float64 {
	tf := map[string]float64{}
	kind := map[string]float64{}
	add := func(f string, w float64) {
		tf[f]++
		kind[f] = w
	}
	prev := ""
	tokens := tokenize(text)
	for _, t := range tokens {
		if t.brk {
			prev = ""
		}
		if contentOnly && !isContent(t) {
			continue
		}
		inf := informativeness(t.stem)
		add("w:"+t.stem, unigramWeight*inf)
		if prev != "" && prev != t.stem {
			add("b:"+prev+" "+t.stem, bigramWeight*min(inf, informativeness(prev)))
		}
		padded := []rune("<" + t.stem + ">")
		for i := 0; i+3 <= len(padded); i++ {
			add("c:"+string(padded[i:i+3]), trigramWeight)
		}
		prev = t.stem
	}
	if contentOnly && len(tf) > 0 {
		if class, score := detectSymptom(nil, [][]string{cueSeq(tokens)}, nil, 0); score > 0 {
			add("s:"+class.name, symptomWeight)
		}
	}
	out := make(map[string]float64, len(tf))
	for f, n := range tf {
		out[f] = kind[f] * (1 + math.Log(n))
	}
	return out
}
