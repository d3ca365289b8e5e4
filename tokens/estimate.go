// Package tokens bounds how many tokens a text costs an OpenAI-style model, without a tokenizer
// (the BPE tables cannot be downloaded at run time offline). The bound is per rune, by the rune's
// UTF-8 length, so it holds for the byte-level BPE tokenizers (cl100k, o200k) on any script:
//
//   - ASCII: a quarter token (English prose averages about four characters a token);
//   - 2-byte runes (Latin accents, Greek, Cyrillic, Hebrew, Arabic): 1 token;
//   - 3-byte runes (CJK, Hangul, Thai, Devanagari, most symbols): 2 tokens, where
//     cl100k averages 1 to 1.5 and rare ideographs take up to 3;
//   - 4-byte runes (emoji, rare ideographs): 4 tokens, one per byte, the most a byte-level
//     tokenizer can spend on them.
//
// A character-count estimate (len/4) under-counts CJK about six times and emoji about sixteen
// times, which lets requests overflow a provider's per-request limits.
package tokens

import "unicode/utf8"

// Quarters returns the bound in quarter tokens: for ASCII text, its length in bytes.
func Quarters(s string) int {
	q := 0
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			q++
			i++
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		q += runeQuarters(size)
		i += size
	}
	return q
}

// runeQuarters is the bound of one rune of size bytes (an invalid byte decodes with size 1 and
// costs a whole token, as byte-level tokenizers spend on it).
func runeQuarters(size int) int {
	switch size {
	case 1:
		return 4
	case 2:
		return 4
	case 3:
		return 8
	default:
		return 16
	}
}

// RuneQuarters returns the bound of the rune r in quarter tokens.
func RuneQuarters(r rune) int {
	if r >= 0 && r < utf8.RuneSelf {
		return 1
	}
	n := utf8.RuneLen(r)
	if n < 0 {
		n = 3 // utf8.RuneError, as it is encoded
	}
	return runeQuarters(n)
}

// Estimate returns the bound in tokens, rounded up.
func Estimate(s string) int { return (Quarters(s) + 3) / 4 }

// CutQuarters returns the longest prefix of s, on a rune boundary, whose bound is at most q
// quarter tokens.
func CutQuarters(s string, q int) string {
	used := 0
	for i, r := range s {
		c := RuneQuarters(r)
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				c = 4
			}
		}
		if used+c > q {
			return s[:i]
		}
		used += c
	}
	return s
}
