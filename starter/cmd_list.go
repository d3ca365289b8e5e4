package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
)

func (c *cli) listCommand() *cobra.Command {
	var asJSON bool
	var limit int
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List recent runs, newest first, with status, phase, duration and key counters",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := c.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			runs, err := st.ListRuns(cmd.Context(), limit)
			if err != nil {
				return err
			}
			type row struct {
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
			}
			rows := make([]row, len(runs))
			for i, r := range runs {
				s := statusFromRow(&r)
				rows[i] = row{r.ID, r.Status, r.Phase, r.DryRun, r.StartedAt, r.EndedAt, s.DurationSeconds,
					r.Counters.ConversationsSelected, r.Counters.ThemesExtracted, r.Counters.ExtractionFailed,
					r.Counters.StoriesCreated, r.Counters.StoriesUpdated}
			}
			if asJSON {
				return c.printJSON(rows)
			}
			tw := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "RUN ID\tSTATUS\tPHASE\tSTARTED\tDURATION\tCONVERSATIONS\tTHEMES\tFAILED\tSTORIES NEW/UPD")
			for _, r := range rows {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d/%d\n", r.RunID, r.Status, r.Phase,
					r.StartedAt.Local().Format("2006-01-02 15:04:05"), time.Duration(r.DurationSeconds*float64(time.Second)).Round(time.Second),
					r.Conversations, r.Themes, r.Failed, r.StoriesCreated, r.StoriesUpdated)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the runs as JSON")
	cmd.Flags().IntVar(&limit, "limit", 20, "show at most N runs")
	return cmd
}
