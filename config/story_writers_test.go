package config

import (
	"strings"
	"testing"
)

func TestStoryWriters(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "STORY_WRITERS" {
				return v
			}
			return ""
		}
	}
	for v, want := range map[string]int{"": 0, "6": 6, " 3 ": 3} {
		c, err := Load(env(v))
		if err != nil || c.StoryWriters != want {
			t.Errorf("STORY_WRITERS=%q: %d, %v; want %d", v, c.StoryWriters, err, want)
		}
	}
	for _, v := range []string{"two", "-1"} {
		if _, err := Load(env(v)); err == nil || !strings.Contains(err.Error(), "STORY_WRITERS") {
			t.Errorf("STORY_WRITERS=%q: %v, want an error naming the variable", v, err)
		}
	}
}
