package config

import (
	"strings"
	"testing"
)

// The on/off switches: EMBED_AHEAD and EAGER_ACTIVITIES are on unless set off, and any other
// value is an error naming the variable.
func TestOnOffSettings(t *testing.T) {
	switches := map[string]func(Config) bool{
		"EMBED_AHEAD":      func(c Config) bool { return c.NoEmbedAhead },
		"EAGER_ACTIVITIES": func(c Config) bool { return c.NoEagerActivities },
	}
	for key, isOff := range switches {
		only := func(v string) func(string) string {
			return func(k string) string {
				if k == key {
					return v
				}
				return ""
			}
		}
		for v, want := range map[string]bool{"": false, "on": false, "true": false, "off": true, "OFF": true, "0": true} {
			c, err := Load(only(v))
			if err != nil || isOff(c) != want {
				t.Errorf("%s=%q: off %v, error %v; want off %v", key, v, isOff(c), err, want)
			}
		}
		if _, err := Load(only("sometimes")); err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%s=sometimes: %v, want an error naming the variable", key, err)
		}
	}
}
