package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"go.temporal.io/sdk/client"

	"feedbackpipe/pipeline"
)

// listRow is one run as `list` shows it: the index's entry with the counters Postgres holds.
type listRow struct {
	RunID           string     `json:"run_id"`
	Status          string     `json:"status"`
	Phase           string     `json:"phase"`
	DryRun          bool       `json:"dry_run"`
	StartedAt       time.Time  `json:"started_at"`
	EndedAt         *time.Time `json:"ended_at,omitempty"`
	DurationSeconds float64    `json:"duration_seconds"`
	Conversations   int        `json:"conversations_selected"`
	Themes          int        `json:"themes_extracted"`
	Failed          int        `json:"extraction_failed"`
	StoriesCreated  int        `json:"stories_created"`
	StoriesUpdated  int        `json:"stories_updated"`
	Schedule        string     `json:"schedule,omitempty"` // a refused scheduled run's schedule
	Refusal         string     `json:"refusal,omitempty"`  // and what the run index answered
}

func (c *cli) listCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the runs in the run index, newest first, with status, phase, duration and key counters",
		Long: `List the runs in the task queue's run index, newest first. The index is asked through a
worker; when no worker can answer, the runs recorded in Postgres (pipeline_runs) are listed
instead, with a note on stderr.`,
		Args: cobra.NoArgs,
		RunE: c.bounded(func(cmd *cobra.Command, _ []string) error {
			return c.withTemporal(func(tc client.Client) error {
				ctx := cmd.Context()
				state, reason, err := c.readIndex(ctx, tc)
				if err != nil {
					return err
				}
				if reason != "" {
					c.note("%s: %s", reason, postgresNote)
					if state.Entries, err = c.indexFromPostgres(ctx); err != nil {
						return err
					}
					state.Limits = c.cfg.Index.WithDefaults()
				}
				st, err := c.openStore(ctx)
				if err != nil {
					return err
				}
				defer st.Close()
				rows := make([]listRow, 0, len(state.Entries))
				for i := len(state.Entries) - 1; i >= 0; i-- {
					e := state.Entries[i]
					row := listRow{RunID: e.RunID, Status: e.Status, Phase: e.Phase, DryRun: e.DryRun, StartedAt: e.StartedAt, EndedAt: e.EndedAt}
					end := time.Now()
					if e.EndedAt != nil {
						end = *e.EndedAt
					}
					row.DurationSeconds = end.Sub(e.StartedAt).Seconds()
					if r, err := st.GetRun(ctx, e.RunID); err == nil {
						row.Conversations, row.Themes, row.Failed = r.Counters.ConversationsSelected, r.Counters.ThemesExtracted, r.Counters.ExtractionFailed
						row.StoriesCreated, row.StoriesUpdated = r.Counters.StoriesCreated, r.Counters.StoriesUpdated
					}
					rows = append(rows, row)
				}
				if rows, err = withRefusals(ctx, st, rows); err != nil {
					return err
				}
				if asJSON {
					return c.printJSON(rows)
				}
				return c.printRuns(rows, state.Limits)
			})
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the runs as JSON")
	return cmd
}

func (c *cli) printRuns(rows []listRow, limits pipeline.IndexLimits) error {
	if len(rows) == 0 {
		c.printf("no runs yet: start one with `starter run`\n")
		return nil
	}
	tw := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN ID\tSTATUS\tPHASE\tSTARTED\tDURATION\tCONVERSATIONS\tTHEMES\tFAILED\tSTORIES NEW/UPD")
	for _, r := range rows {
		phase := r.Phase
		if r.DryRun {
			phase += " (dry)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d/%d\n", r.RunID, r.Status, phase,
			r.StartedAt.Local().Format("2006-01-02 15:04:05"), (time.Duration(r.DurationSeconds) * time.Second).String(),
			r.Conversations, r.Themes, r.Failed, r.StoriesCreated, r.StoriesUpdated)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	indexed := 0
	for _, r := range rows {
		if r.Status == statusRefused {
			c.printf("%s (schedule %s) was refused: %s\n", r.RunID, r.Schedule, r.Refusal)
		} else {
			indexed++
		}
	}
	c.printf("\n%d run(s) in the index (keeps %d; at most %d active)\n", indexed, limits.Retention, limits.MaxActive)
	return nil
}
