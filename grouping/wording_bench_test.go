package grouping

import (
	"fmt"
	"hash/fnv"
	"testing"
)

// BenchmarkGroupingWordy100k is BenchmarkGrouping100k with signatures of 3 to 6 words drawn from
// a vocabulary of 300, so many wordings share words and the wording index has work to do.
func BenchmarkGroupingWordy100k(b *testing.B) {
	benchGrouping(b, 100_000, 20_000, rewordFromVocabulary)
}

func rewordFromVocabulary(items []Item) {
	for i := range items {
		h := fnv.New64a()
		h.Write([]byte(items[i].Signature))
		x := h.Sum64()
		words := 3 + int(x%4)
		sig := ""
		for w := range words {
			x = x*6364136223846793005 + 1442695040888963407
			if w > 0 {
				sig += "_"
			}
			sig += fmt.Sprintf("w%d", (x>>33)%300)
		}
		items[i].Signature = sig
	}
}
