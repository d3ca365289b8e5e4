package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"go.temporal.io/sdk/client"

	"feedbackpipe/pipeline"
	"feedbackpipe/runindex"
	"feedbackpipe/taskqueue"
)

func (c *cli) runCommand() *cobra.Command {
	var (
		in              pipeline.RunInput
		win             window
		noStories, wait bool
		asJSON          bool
	)
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Start a pipeline run over the conversations of the last N days, or of a window",
		Long: `Start a pipeline run: extraction, then embedding, then stories. Prints the run ID and
where to watch it in the Temporal UI. With --wait it follows the run to its end and prints the
summary. Stop it with 'starter stop RUN_ID' or 'temporal workflow signal --workflow-id RUN_ID --name stop'.
A worker must poll the task queue: when none does, run says so at once.

The run reads the conversations created in [since, until): by default the last --days up to now;
--since and --until (a date, midnight UTC, or an RFC 3339 time) name another window, for example
to backfill November: --since 2026-11-01 --until 2026-12-01.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := validateRunFlags(in); err != nil {
				return err
			}
			in.CreateStories = !noStories
			now := time.Now().UTC()
			win.days, win.daysSet = in.Days, cmd.Flags().Changed("days")
			since, until, err := win.resolve(now)
			if err != nil {
				return err
			}
			in.Since, in.Until = &since, &until
			if win.since != "" {
				in.Days = 0 // the window is the one named, not a number of days
			}
			return c.withTemporal(func(tc client.Client) error {
				ctx := cmd.Context()
				if err := c.requireWorker(ctx, tc); err != nil {
					return err
				}
				actx, cancel := context.WithTimeout(ctx, admitTimeout)
				defer cancel()
				runID, err := runindex.StartRun(actx, tc, c.cfg.TaskQueue, in, c.cfg.Index, now)
				if err != nil && actx.Err() != nil && ctx.Err() == nil {
					return fmt.Errorf("run not started: the run index of task queue %s did not answer within %s: is a worker polling it? %s. "+
						"The request may still be admitted once one is: check `starter list`", c.cfg.TaskQueue, admitTimeout, taskqueue.StartWorkerHint)
				}
				if err != nil {
					return err
				}
				if asJSON && !wait {
					return c.printJSON(map[string]string{"run_id": runID, "ui_url": c.runURL(runID)})
				}
				if !asJSON {
					c.printf("started %s\nwatch it: %s\n", runID, c.runURL(runID))
				}
				if !wait {
					return nil
				}
				status, err := c.follow(cmd.Context(), tc, runID, !asJSON)
				if err != nil {
					return err
				}
				return c.showStatus(status, asJSON)
			})
		},
	}
	f := cmd.Flags()
	f.IntVar(&in.Days, "days", pipeline.DefaultDays, "read conversations created in the last N days (before --until)")
	f.StringVar(&win.since, "since", "", "read conversations created from this date or time (2026-11-01, or RFC 3339); instead of --days")
	f.StringVar(&win.until, "until", "", "read conversations created before this date or time (default: now)")
	f.IntVar(&in.MaxConversations, "max", 0, "read at most N conversations (0: all in the window)")
	f.BoolVar(&in.DryRun, "dry-run", false, "extract for real but write no themes, embeddings or stories; store a preview")
	f.IntVar(&in.Concurrency, "concurrency", pipeline.DefaultConcurrency, "LLM calls in flight for this run")
	f.BoolVar(&noStories, "no-stories", false, "stop after the embedding phase")
	f.BoolVar(&wait, "wait", false, "follow the run to its end and print the summary")
	f.StringVar(&in.Source, "source", "", "where conversations come from: empty (imported) or intercom (fetched first; the worker needs INTERCOM_ACCESS_TOKEN)")
	f.BoolVar(&asJSON, "json", false, `print {"run_id": …} (with --wait: the final status) as JSON`)
	return cmd
}

// validateRunFlags checks the flags a run and a schedule share.
func validateRunFlags(in pipeline.RunInput) error {
	if in.Days <= 0 {
		return fmt.Errorf("--days must be at least 1")
	}
	if in.Concurrency < 1 || in.Concurrency > 512 {
		return fmt.Errorf("--concurrency must be between 1 and 512")
	}
	if in.MaxConversations < 0 {
		return fmt.Errorf("--max must not be negative")
	}
	if in.Source != pipeline.SourceImported && in.Source != pipeline.SourceIntercom {
		return fmt.Errorf("--source %q: want intercom, or nothing for imported conversations", in.Source)
	}
	return nil
}
