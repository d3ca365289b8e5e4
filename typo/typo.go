// Package typo recognises misspelt words: customers type fast ("pytohn", "retrun", "acountant"),
// and a misspelt word should read as the word it stands for. One edit is two neighbouring
// letters swapped, or one letter dropped, added or replaced; a slip is an edit other than a
// replaced letter, which too often makes another real word. Words are compared byte by byte.
package typo

// OneEdit reports whether a and b differ by exactly one edit: a transposition of neighbouring
// bytes, a deletion, an insertion or a substitution.
func OneEdit(a, b string) bool {
	if a == b {
		return false
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	switch len(b) - len(a) {
	case 0:
		diff := -1
		for i := 0; i < len(a); i++ {
			if a[i] != b[i] {
				if diff >= 0 {
					// a second difference: only a swap of the two neighbours is one edit
					return i == diff+1 && a[diff] == b[i] && a[i] == b[diff] && a[i+1:] == b[i+1:]
				}
				diff = i
			}
		}
		return true
	case 1:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		return a[i:] == b[i+1:]
	}
	return false
}

// Slip reports whether a and b differ by one edit that is not a replaced letter: two neighbouring
// letters swapped, one dropped or one added. A replaced letter too often makes another real word
// ("match" and "batch") to be read as a misspelling.
func Slip(a, b string) bool { return OneEdit(a, b) && !substitution(a, b) }

// substitution reports whether a and b have one length and differ in exactly one position.
func substitution(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	diff := 0
	for i := 0; i < len(a); i++ {
		if a[i] != b[i] {
			diff++
		}
	}
	return diff == 1
}

// Index finds, among the words added to it, those one edit away from a word, without comparing
// it with every word: each word is stored under itself and every string it becomes with one byte
// dropped, and two words one edit apart share one such string.
type Index struct {
	deletes map[string][]string
}

// NewIndex returns an empty index.
func NewIndex() *Index { return &Index{deletes: map[string][]string{}} }

// Add indexes w.
func (ix *Index) Add(w string) {
	for _, d := range deletions(w) {
		ix.deletes[d] = append(ix.deletes[d], w)
	}
}

// Near returns the indexed words one edit away from w, in the order they were added, each once.
func (ix *Index) Near(w string) []string {
	var out []string
	ix.each(w, func(c string) {
		if !contains(out, c) {
			out = append(out, c)
		}
	})
	return out
}

// Slip returns the one indexed word a slip from w (see Slip); false when there is none, or more
// than one and so no telling which w stands for.
func (ix *Index) Slip(w string) (string, bool) {
	found, several := "", false
	ix.each(w, func(c string) {
		if !substitution(w, c) && c != found {
			several = several || found != ""
			found = c
		}
	})
	if several {
		return "", false
	}
	return found, found != ""
}

// each calls fn with every indexed word one edit from w (a word may come more than once). It
// allocates nothing of its own, so looking up the many words near nothing costs no garbage.
func (ix *Index) each(w string, fn func(c string)) {
	visit := func(cands []string) {
		for _, c := range cands {
			if OneEdit(w, c) {
				fn(c)
			}
		}
	}
	visit(ix.deletes[w])
	var buf [64]byte
	for i := range len(w) {
		d := append(append(buf[:0], w[:i]...), w[i+1:]...)
		visit(ix.deletes[string(d)]) // a lookup by string(bytes) does not copy them
	}
}

// deletions is w and every string w becomes with one byte dropped.
func deletions(w string) []string {
	out := []string{w}
	for i := range len(w) {
		out = append(out, w[:i]+w[i+1:])
	}
	return out
}

func contains(list []string, w string) bool {
	for _, x := range list {
		if x == w {
			return true
		}
	}
	return false
}
