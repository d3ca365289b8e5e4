package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"feedbackpipe/pipeline"
)

func (c *cli) runCommand() *cobra.Command {
	var (
		in              pipeline.RunInput
		noStories, wait bool
		asJSON          bool
	)
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Start a pipeline run over the conversations of the last N days",
		Long: `Start a pipeline run: extraction, then embedding, then stories. Prints the run ID and
where to watch it in the Temporal UI. With --wait it follows the run to its end and prints the
summary. Stop it with 'starter stop RUN_ID' or 'temporal workflow signal --workflow-id RUN_ID --name stop'.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if in.Days <= 0 {
				return fmt.Errorf("--days must be at least 1")
			}
			if in.Concurrency < 1 || in.Concurrency > 512 {
				return fmt.Errorf("--concurrency must be between 1 and 512")
			}
			if in.MaxConversations < 0 {
				return fmt.Errorf("--max must not be negative")
			}
			in.CreateStories = !noStories
			until := time.Now().UTC()
			since := until.Add(-time.Duration(in.Days) * 24 * time.Hour)
			in.Since, in.Until = &since, &until
			tc, err := c.dialTemporal()
			if err != nil {
				return err
			}
			defer tc.Close()
			runID, err := c.startRun(cmd.Context(), tc, in, until)
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
			if asJSON {
				return c.printJSON(status)
			}
			c.printSummary(status)
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&in.Days, "days", pipeline.DefaultDays, "read conversations created in the last N days")
	f.IntVar(&in.MaxConversations, "max", 0, "read at most N conversations (0: all in the window)")
	f.BoolVar(&in.DryRun, "dry-run", false, "extract for real but write no themes, embeddings or stories; store a preview")
	f.IntVar(&in.Concurrency, "concurrency", pipeline.DefaultConcurrency, "LLM calls in flight for this run")
	f.BoolVar(&noStories, "no-stories", false, "stop after the embedding phase")
	f.BoolVar(&wait, "wait", false, "follow the run to its end and print the summary")
	f.BoolVar(&asJSON, "json", false, `print {"run_id": …} (with --wait: the final status) as JSON`)
	return cmd
}

// startRun starts the workflow under a fresh, human-readable run ID. A duplicate ID is an error,
// never a silent attach to the existing run.
func (c *cli) startRun(ctx context.Context, tc client.Client, in pipeline.RunInput, now time.Time) (string, error) {
	runID, err := newRunID(now)
	if err != nil {
		return "", err
	}
	window := fmt.Sprintf("%s → %s", in.Since.Format(time.RFC3339), in.Until.Format(time.RFC3339))
	_, err = tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                                       runID,
		TaskQueue:                                c.cfg.TaskQueue,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			temporal.NewSearchAttributeKeyKeyword(pipeline.SearchAttrStatus).ValueSet(pipeline.StatusRunning),
			temporal.NewSearchAttributeKeyKeyword(pipeline.SearchAttrPhase).ValueSet(pipeline.PhaseExtraction),
		),
		StaticSummary: fmt.Sprintf("Pipeline run over %d days%s", in.Days, map[bool]string{true: " (dry run)"}[in.DryRun]),
		StaticDetails: fmt.Sprintf("**Window:** %s\n\n**Max conversations:** %d (0 = all)\n\n**Concurrency:** %d\n\n**Dry run:** %t\n\n**Stories:** %t",
			window, in.MaxConversations, in.Concurrency, in.DryRun, in.CreateStories),
	}, pipeline.WorkflowName, in)
	if err != nil {
		return "", fmt.Errorf("start run %s: %w", runID, err)
	}
	return runID, nil
}

// newRunID makes an ID like pipeline-20261129-153000-ab12.
func newRunID(now time.Time) (string, error) {
	b := make([]byte, 2)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make run ID: %w", err)
	}
	return fmt.Sprintf("pipeline-%s-%s", now.UTC().Format("20060102-150405"), hex.EncodeToString(b)), nil
}
