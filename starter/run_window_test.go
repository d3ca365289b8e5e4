package main

import (
	"strings"
	"testing"
	"time"
)

func TestRunWindowFromFlags(t *testing.T) {
	now := time.Date(2026, 12, 2, 15, 30, 0, 0, time.UTC)
	day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		name         string
		w            window
		since, until time.Time
	}{
		{"the last days up to now", window{days: 7}, now.Add(-7 * 24 * time.Hour), now},
		{"a named window", window{days: 7, since: "2026-11-01", until: "2026-11-15"}, day(1), day(15)},
		{"from a date to now", window{days: 7, since: "2026-11-01"}, day(1), now},
		{"days before a past end", window{days: 3, daysSet: true, until: "2026-11-15"}, day(12), day(15)},
		{"RFC 3339 with an offset, read in UTC", window{days: 7, since: "2026-11-01T08:00:00+02:00", until: "2026-11-02T00:00:00Z"},
			day(1).Add(6 * time.Hour), day(2)},
	} {
		since, until, err := tc.w.resolve(now)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !since.Equal(tc.since) || !until.Equal(tc.until) || since.Location() != time.UTC || until.Location() != time.UTC {
			t.Errorf("%s: window [%s, %s), want [%s, %s) in UTC", tc.name, since, until, tc.since, tc.until)
		}
	}
}

func TestRunWindowRefusals(t *testing.T) {
	now := time.Date(2026, 12, 2, 15, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		w    window
		want string
	}{
		{window{days: 7, since: "2026-13-01"}, `--since "2026-13-01": want a date`},
		{window{days: 7, until: "yesterday"}, `--until "yesterday"`},
		{window{days: 3, daysSet: true, since: "2026-11-01"}, "--since and --days"},
		{window{days: 7, since: "2026-11-15", until: "2026-11-15"}, "is not before --until"},
		{window{days: 7, since: "2026-11-20", until: "2026-11-15"}, "the window is empty"},
		{window{days: 7, until: "2026-12-03"}, "--until 2026-12-03T00:00:00Z is after now"},
	} {
		_, _, err := tc.w.resolve(now)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want it to say %q", tc.w, err, tc.want)
		}
	}
}
