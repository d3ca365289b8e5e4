package tokens

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEstimate(t *testing.T) {
	tests := []struct {
		name string
		text string
		want int
	}{
		{"empty", "", 0},
		{"ASCII prose keeps the four-characters-a-token rate", strings.Repeat("abcd", 100), 100},
		{"ASCII rounds up", "abcde", 2},
		{"Cyrillic: one token a letter", "Привет", 6},
		{"CJK: two tokens a character", "上传照片失败", 12},
		{"Japanese kana", "アップロード", 12},
		{"emoji: four tokens each", "😡😡👍", 12},
		{"ZWJ sequence counts each part", "👨‍👩‍👧", 4*3 + 2*2},
		{"mixed", "upload 失败 😡", (7*1+1+4*4)/4 + 4},
		{"invalid UTF-8 byte: a whole token", "a\xffb", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Estimate(tc.text); got != tc.want {
				t.Errorf("Estimate(%q) = %d, want %d", tc.text, got, tc.want)
			}
		})
	}
}

// The bound never falls below what byte-level tokenizers can spend on non-ASCII text, where the
// old len/4 estimate fell far short: at least a token per non-ASCII rune, and one per byte for
// 4-byte runes.
func TestEstimateIsConservativeForCJKAndEmoji(t *testing.T) {
	for _, text := range []string{
		strings.Repeat("照片上传失败，请帮忙。", 200),
		strings.Repeat("사진 업로드가 실패합니다", 200),
		strings.Repeat("😡🔥👍🏽", 300),
		strings.Repeat("upload fails 上传失败 😡 ", 100),
	} {
		nonASCII, fourByte := 0, 0
		for _, r := range text {
			if r >= utf8.RuneSelf {
				nonASCII++
			}
			if utf8.RuneLen(r) == 4 {
				fourByte++
			}
		}
		got := Estimate(text)
		if got < nonASCII || got < 4*fourByte {
			t.Errorf("Estimate = %d for %d non-ASCII runes (%d of 4 bytes): under the bound", got, nonASCII, fourByte)
		}
		if old := len(text)/4 + 1; got <= old {
			t.Errorf("Estimate = %d, not above the old len/4 estimate %d", got, old)
		}
	}
}

func TestCutQuarters(t *testing.T) {
	tests := []struct {
		text string
		q    int
		want string
	}{
		{"abcdef", 4, "abcd"},
		{"abcdef", 100, "abcdef"},
		{"上传照片", 16, "上传"},
		{"上传照片", 15, "上"},
		{"ab😡cd", 17, "ab"},
		{"ab😡cd", 18, "ab😡"},
		{"", 3, ""},
	}
	for _, tc := range tests {
		got := CutQuarters(tc.text, tc.q)
		if got != tc.want {
			t.Errorf("CutQuarters(%q, %d) = %q, want %q", tc.text, tc.q, got, tc.want)
		}
		if Quarters(got) > tc.q {
			t.Errorf("CutQuarters(%q, %d) = %q costs %d", tc.text, tc.q, got, Quarters(got))
		}
	}
}
