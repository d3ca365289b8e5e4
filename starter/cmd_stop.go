package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"feedbackpipe/pipeline"
	"feedbackpipe/taskqueue"
)

func (c *cli) stopCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "stop [RUN_ID]",
		Short: "Stop a run (the active one when no ID is given); it ends 'stopped' keeping its results",
		Long: `Send the 'stop' signal to a run. The run moves to 'stopping', winds down within
seconds in any phase, keeps everything already stored, and ends 'stopped' with its counters.
Without RUN_ID the active run is stopped. Temporal keeps the signal, so it works with no worker
up too: the run stops as soon as a worker polls its task queue again. The same can be done with
the plain Temporal CLI:
  temporal workflow signal --workflow-id RUN_ID --name stop`,
		Args: cobra.MaximumNArgs(1),
		RunE: c.bounded(func(cmd *cobra.Command, args []string) error {
			return c.withTemporal(func(tc client.Client) error {
				ctx := cmd.Context()
				var runID string
				var err error
				if len(args) == 1 {
					runID = args[0]
					if err := c.checkRunning(ctx, tc, runID); err != nil {
						return err
					}
				} else if runID, err = c.activeRun(ctx, tc); err != nil {
					return err
				}
				if err := tc.SignalWorkflow(ctx, runID, "", pipeline.SignalStop, nil); err != nil {
					return fmt.Errorf("signal stop to %s: %w", runID, err)
				}
				// Whether the stop takes effect now: the run answers its status query only
				// through a live worker.
				if _, reason, err := c.statusOf(ctx, tc, runID); err == nil && reason != "" {
					c.printf("stop requested for %s; %s: Temporal keeps the request and it takes effect when a worker is up (%s)\n",
						runID, reason, taskqueue.StartWorkerHint)
					return nil
				}
				c.printf("stop requested for %s; it ends 'stopped' within seconds (starter status %s)\n", runID, runID)
				return nil
			})
		}),
	}
}

// checkRunning says clearly when a run does not exist or has already ended.
func (c *cli) checkRunning(ctx context.Context, tc client.Client, runID string) error {
	desc, err := tc.DescribeWorkflowExecution(ctx, runID, "")
	var nf *serviceerror.NotFound
	switch {
	case errors.As(err, &nf):
		return fmt.Errorf("no run %s", runID)
	case err != nil:
		return fmt.Errorf("look up run %s: %w", runID, err)
	}
	if st := desc.GetWorkflowExecutionInfo().GetStatus(); st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		s, serr := c.status(ctx, tc, runID)
		if serr == nil {
			return fmt.Errorf("run %s has already finished: %s", runID, s.Status)
		}
		return fmt.Errorf("run %s has already finished (%s)", runID, strings.ToLower(strings.TrimPrefix(st.String(), "WORKFLOW_EXECUTION_STATUS_")))
	}
	return nil
}

// activeRun finds the live run(s) in the task queue's run index, or, when no worker can answer
// for the index, among the runs Postgres records as live that Temporal still runs.
func (c *cli) activeRun(ctx context.Context, tc client.Client) (string, error) {
	state, reason, err := c.readIndex(ctx, tc)
	if err != nil {
		return "", err
	}
	if reason != "" {
		c.note("%s: looking for the active run in Postgres", reason)
		if state.Entries, err = c.indexFromPostgres(ctx); err != nil {
			return "", err
		}
	}
	var ids []string
	for _, e := range state.Entries {
		if !e.Live() {
			continue
		}
		if reason != "" && !c.runningInTemporal(ctx, tc, e.RunID) {
			continue
		}
		ids = append(ids, e.RunID)
	}
	switch len(ids) {
	case 0:
		return "", fmt.Errorf("no run is active")
	case 1:
		return ids[0], nil
	}
	return "", fmt.Errorf("several runs are active (%s): name the one to stop", strings.Join(ids, ", "))
}

// runningInTemporal reports whether the run's workflow is still open.
func (c *cli) runningInTemporal(ctx context.Context, tc client.Client, runID string) bool {
	desc, err := tc.DescribeWorkflowExecution(ctx, runID, "")
	return err == nil && desc.GetWorkflowExecutionInfo().GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING
}
