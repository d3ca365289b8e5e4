package main

import (
	"fmt"
	"time"
)

// window is the [since, until) a run reads, from the run command's flags.
type window struct {
	days         int    // --days: how far back from until, when since is not given
	daysSet      bool   // --days was given explicitly
	since, until string // --since, --until: a UTC date (2026-11-01) or an RFC 3339 time
}

// resolve turns the flags into an absolute window against now. Without --since the window is
// the --days before until; without --until it ends now. A backfill names both. Refused: --since
// with --days (two starts), a window that ends after now (a run reads what was imported), and
// one that does not start before it ends.
func (w window) resolve(now time.Time) (since, until time.Time, err error) {
	until = now.UTC()
	if w.until != "" {
		if until, err = parseWhen("--until", w.until); err != nil {
			return time.Time{}, time.Time{}, err
		}
		if until.After(now) {
			return time.Time{}, time.Time{}, fmt.Errorf("--until %s is after now (%s): a run reads conversations already imported",
				until.Format(time.RFC3339), now.UTC().Format(time.RFC3339))
		}
	}
	since = until.Add(-time.Duration(w.days) * 24 * time.Hour)
	if w.since != "" {
		if w.daysSet {
			return time.Time{}, time.Time{}, fmt.Errorf("--since and --days both set where the window starts: give one")
		}
		if since, err = parseWhen("--since", w.since); err != nil {
			return time.Time{}, time.Time{}, err
		}
	}
	if !since.Before(until) {
		return time.Time{}, time.Time{}, fmt.Errorf("--since %s is not before --until %s: the window is empty",
			since.Format(time.RFC3339), until.Format(time.RFC3339))
	}
	return since, until, nil
}

// parseWhen reads a flag's time: a date (midnight UTC) or an RFC 3339 time, in UTC.
func parseWhen(flag, v string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t.UTC(), nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q: want a date (2026-11-01, midnight UTC) or an RFC 3339 time (2026-11-01T06:00:00Z)", flag, v)
	}
	return t.UTC(), nil
}
