package grouping

import (
	"cmp"
	"slices"
)

// maxWordingPartners bounds the partners one wording key pairs a signature group with, so a
// bucket of many signatures sharing a short wording stays linear.
const maxWordingPartners = 64

// wordingKey is one entry of the wording index: the hash of a signature group's folded wording
// (full) or of that wording with one or two words left out.
type wordingKey struct {
	hash  uint64
	group int32
	full  bool
}

// wordingEdges finds, in a bucket too big to compare every pair, the pairs whose wordings may
// agree (wordingsAgree: one's words among the other's, at most maxWordingExtra more), and keeps
// those pair accepts. Each group's full wording meets the wordings of others with up to two
// words left out, by hash; memory is linear in the groups (a few keys each).
func (g *grouper) wordingEdges(bucket []int32) []edge {
	var keys []wordingKey
	for _, k := range bucket {
		w := g.sgs[k].words
		if len(w) < minWordingWords {
			continue
		}
		keys = append(keys, wordingKey{hashWords(w, -1, -1), k, true})
		for i := range w {
			if len(w)-1 < minWordingWords {
				break
			}
			keys = append(keys, wordingKey{hashWords(w, i, -1), k, false})
			for j := i + 1; j < len(w) && len(w)-2 >= minWordingWords && len(w) <= 12; j++ {
				keys = append(keys, wordingKey{hashWords(w, i, j), k, false})
			}
		}
	}
	slices.SortFunc(keys, func(x, y wordingKey) int {
		return cmp.Or(cmp.Compare(x.hash, y.hash), -boolCmp(x.full, y.full), cmp.Compare(x.group, y.group))
	})
	var out []edge
	for start := 0; start < len(keys); {
		end := start + 1
		for end < len(keys) && keys[end].hash == keys[start].hash {
			end++
		}
		run := keys[start:end] // full keys first
		for x := 0; x < len(run) && run[x].full; x++ {
			partners := 0
			for y := range run {
				if y == x || run[y].group == run[x].group || run[y].full && y < x {
					continue
				}
				if partners++; partners > maxWordingPartners {
					break
				}
				if e, ok := g.pair(run[x].group, run[y].group, false); ok {
					out = append(out, e)
				}
			}
		}
		start = end
	}
	return out
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// hashWords hashes the words w, leaving out the words at skip1 and skip2 (-1: none).
func hashWords(w []int32, skip1, skip2 int) uint64 {
	h := uint64(14695981039346656037)
	for i, x := range w {
		if i == skip1 || i == skip2 {
			continue
		}
		h ^= uint64(uint32(x))
		h *= 1099511628211
		h ^= h >> 29
	}
	return h
}
