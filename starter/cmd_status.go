package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"feedbackpipe/errcode"
	"feedbackpipe/pipeline"
	"feedbackpipe/store"
)

func (c *cli) statusCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status RUN_ID",
		Short: "Show a run's status, phase, counters and errors",
		Long: `Show a run's live status through the workflow's 'status' query. When no worker can
answer (none polls the run's task queue, or none answers within seconds) or Temporal no longer
holds the run, the pipeline_runs row in Postgres is shown instead, with a note on stderr.`,
		Args: cobra.ExactArgs(1),
		RunE: c.bounded(func(cmd *cobra.Command, args []string) error {
			return c.withTemporal(func(tc client.Client) error {
				status, reason, err := c.statusOf(cmd.Context(), tc, args[0])
				if err != nil {
					return err
				}
				if reason != "" {
					c.note("%s: %s", reason, postgresNote)
				}
				return c.showStatus(status, asJSON)
			})
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the status as JSON")
	return cmd
}

// status asks the run itself, then falls back to Postgres.
func (c *cli) status(ctx context.Context, tc client.Client, runID string) (pipeline.Status, error) {
	s, _, err := c.statusOf(ctx, tc, runID)
	return s, err
}

// statusOf asks the run itself when a worker can answer, and otherwise reads its pipeline_runs
// row; the reason is set when the status comes from Postgres.
func (c *cli) statusOf(ctx context.Context, tc client.Client, runID string) (pipeline.Status, string, error) {
	// The run's own task queue decides which workers can answer for it.
	queue := c.cfg.TaskQueue
	desc, derr := tc.DescribeWorkflowExecution(ctx, runID, "")
	var nf *serviceerror.NotFound
	inTemporal := !errors.As(derr, &nf)
	if derr == nil {
		if q := desc.GetExecutionConfig().GetTaskQueue().GetName(); q != "" {
			queue = q
		}
	}
	reason := ""
	switch {
	case !inTemporal:
		reason = fmt.Sprintf("Temporal holds no run %s", runID)
	default:
		reason = c.workflowWorkerGone(ctx, tc, queue)
	}
	if reason == "" {
		s, err := c.query(ctx, tc, runID)
		if err == nil {
			return s, "", nil
		}
		if ctx.Err() != nil {
			return s, "", ctx.Err()
		}
		reason = fmt.Sprintf("run %s did not answer its status query (%v)", runID, err)
		if errors.Is(err, context.DeadlineExceeded) {
			reason = fmt.Sprintf("no worker answered on task queue %s within %s", queue, answerTimeout)
		}
	}
	st, err := c.openStore(ctx)
	if err != nil {
		return pipeline.Status{}, "", fmt.Errorf("%s, and Postgres: %w", reason, err)
	}
	defer st.Close()
	r, err := st.GetRun(ctx, runID)
	if errors.Is(err, store.ErrNotFound) {
		if !inTemporal {
			return pipeline.Status{}, "", fmt.Errorf("no run %s", runID)
		}
		return pipeline.Status{}, "", fmt.Errorf("status of %s: %s, and Postgres has no row for it yet", runID, reason)
	}
	if err != nil {
		return pipeline.Status{}, "", err
	}
	s := statusFromRow(r)
	// As codes, as the run's own status query gives them, so scripts read one format whether a
	// worker answered or not (starter errors shows the full reasons).
	if errs, warns, err := st.RunErrors(ctx, runID, pipeline.MaxReportedErrors); err == nil {
		s.Errors, s.Warnings = errcode.Items(errs), errcode.Warnings(warns)
	}
	return s, reason, nil
}

// query asks the run for its status, giving a worker answerTimeout to answer.
func (c *cli) query(ctx context.Context, tc client.Client, runID string) (pipeline.Status, error) {
	qctx, cancel := context.WithTimeout(ctx, answerTimeout)
	defer cancel()
	var s pipeline.Status
	resp, err := tc.QueryWorkflow(qctx, runID, "", pipeline.QueryStatus)
	if err != nil {
		if unanswered(qctx, err) && ctx.Err() == nil {
			return s, fmt.Errorf("query run %s: %w", runID, context.DeadlineExceeded)
		}
		return s, fmt.Errorf("query run %s: %w", runID, err)
	}
	if err := resp.Get(&s); err != nil {
		return s, fmt.Errorf("decode status of %s: %w", runID, err)
	}
	if s.EndedAt == nil && !s.StartedAt.IsZero() {
		s.DurationSeconds = time.Since(s.StartedAt).Seconds()
	}
	return s, nil
}

func statusFromRow(r *store.Run) pipeline.Status {
	s := pipeline.Status{
		RunID: r.ID, Status: r.Status, Phase: r.Phase, DryRun: r.DryRun, CreateStories: r.CreateStories,
		WindowSince: r.WindowSince, WindowUntil: r.WindowUntil, Counters: r.Counters,
		StartedAt: r.StartedAt, EndedAt: r.EndedAt, FailureMessage: r.FailureMessage,
		Total: r.Counters.ConversationsSelected, Errors: []pipeline.ItemError{}, Warnings: []string{},
	}
	end := time.Now()
	if r.EndedAt != nil {
		end = *r.EndedAt
	}
	s.DurationSeconds = end.Sub(r.StartedAt).Seconds()
	return s
}

// follow polls the run's status until it ends, printing progress when verbose.
func (c *cli) follow(ctx context.Context, tc client.Client, runID string, verbose bool) (pipeline.Status, error) {
	last := ""
	for {
		s, err := c.status(ctx, tc, runID)
		if err != nil {
			return s, err
		}
		if verbose {
			line := fmt.Sprintf("%-9s %-10s %d/%d conversations, %d themes, %d failed", s.Status, s.Phase, s.Done, s.Total,
				s.ThemesExtracted, s.ExtractionFailed)
			if line != last {
				c.printf("%s\n", line)
				last = line
			}
		}
		if pipeline.IsTerminal(s.Status) {
			return s, nil
		}
		select {
		case <-ctx.Done():
			return s, ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// showStatus prints a run's status as JSON or for people.
func (c *cli) showStatus(s pipeline.Status, asJSON bool) error {
	if asJSON {
		return c.printJSON(s)
	}
	c.printSummary(s)
	return nil
}

// printSummary prints a run's status for people.
func (c *cli) printSummary(s pipeline.Status) {
	c.printf("run %s: %s (phase %s)%s\n", s.RunID, s.Status, s.Phase, map[bool]string{true: " [dry run]"}[s.DryRun])
	c.printf("window %s → %s, %.1fs\n", s.WindowSince.Format(time.RFC3339), s.WindowUntil.Format(time.RFC3339), s.DurationSeconds)
	if !pipeline.IsTerminal(s.Status) {
		c.printf("progress: %d of %d conversations extracted\n", s.Done, s.Total)
	}
	if s.FailureMessage != "" {
		c.printf("failure: %s\n", s.FailureMessage)
	}
	n := s.Counters
	if f := n.FetchCounters; f.ConversationsFetched > 0 || s.Phase == pipeline.PhaseFetch {
		b := f.SkippedBy
		c.printf("fetched %d from Intercom · stored %d · skipped %d (not customer-initiated %d, bot %d, template click %d, too short %d, invalid %d)\n",
			f.ConversationsFetched, f.ConversationsStored, f.ConversationsSkipped, b.NotCustomer, b.Bot, b.Template, b.TooShort, b.Invalid)
	}
	c.printf("conversations %d · themes %d (new signatures %d, filtered %d, failed %d, not actionable %d)\n",
		n.ConversationsSelected, n.ThemesExtracted, n.ThemesNew, n.ThemesFiltered, n.ExtractionFailed, n.NotActionable)
	c.printf("embeddings %d (failed %d) · stories %d new, %d updated · orphans %d new, %d updated, %d graduated · groups failed %d\n",
		n.EmbeddingsGenerated, n.EmbeddingsFailed, n.StoriesCreated, n.StoriesUpdated, n.OrphansCreated,
		n.OrphansUpdated, n.OrphansGraduated, n.GroupsFailed)
	c.printf("LLM calls %d · tokens %d in, %d out · cost $%.4f\n", n.LLMCalls, n.TokensIn, n.TokensOut, n.CostUSD)
	c.printItems(s.Errors, s.Warnings)
	if len(s.Errors) >= pipeline.MaxReportedErrors || len(s.Warnings) >= pipeline.MaxReportedErrors {
		c.printf("  (at most %d of each kind shown; every one: starter errors %s)\n", pipeline.MaxReportedErrors, s.RunID)
	}
	c.printf("Temporal UI: %s\n", c.runURL(s.RunID))
}
