package main

import (
	"context"
	"sort"
	"time"

	"feedbackpipe/store"
)

// statusRefused is how `list` shows a scheduled run the run index refused: it never ran, so the
// index does not hold it; Postgres keeps the schedule's request (schedule_runs).
const statusRefused = "refused"

// maxListedRefusals bounds the refused scheduled runs `list` adds.
const maxListedRefusals = 20

// withRefusals adds the recent scheduled runs the index refused (no older than the oldest run
// listed) to rows, newest first.
func withRefusals(ctx context.Context, st *store.Store, rows []listRow) ([]listRow, error) {
	reqs, err := st.RecentScheduleRuns(ctx, "", 5*maxListedRefusals)
	if err != nil {
		return rows, err
	}
	var oldest time.Time
	if len(rows) > 0 {
		oldest = rows[len(rows)-1].StartedAt
	}
	n := 0
	for _, r := range reqs {
		if r.Outcome != store.ScheduleRefused || r.RequestedAt.Before(oldest) || n == maxListedRefusals {
			continue
		}
		n++
		rows = append(rows, listRow{RunID: r.RunID, Status: statusRefused, Phase: "-", StartedAt: r.RequestedAt,
			Schedule: r.Schedule, Refusal: r.Message})
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].StartedAt.After(rows[j].StartedAt) })
	return rows, nil
}
