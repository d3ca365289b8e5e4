package config

import (
	"strings"
	"testing"
)

func TestEmbedAheadSetting(t *testing.T) {
	for v, off := range map[string]bool{"": false, "on": false, "true": false, "off": true, "OFF": true, "0": true} {
		c, err := Load(func(k string) string {
			if k == "EMBED_AHEAD" {
				return v
			}
			return ""
		})
		if err != nil || c.NoEmbedAhead != off {
			t.Errorf("EMBED_AHEAD=%q: NoEmbedAhead %v, error %v; want %v", v, c.NoEmbedAhead, err, off)
		}
	}
	_, err := Load(func(k string) string {
		if k == "EMBED_AHEAD" {
			return "sometimes"
		}
		return ""
	})
	if err == nil || !strings.Contains(err.Error(), "EMBED_AHEAD") {
		t.Errorf("EMBED_AHEAD=sometimes: %v, want an error naming the variable", err)
	}
}
