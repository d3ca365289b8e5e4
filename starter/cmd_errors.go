package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"feedbackpipe/pipeline"
	"feedbackpipe/store"
)

// errorsCommand lists every failed item and warning of a run. status carries at most
// pipeline.MaxReportedErrors of each kind (it travels in Temporal history); Postgres keeps them
// all, and this reads them there, so it works with no worker up and after the run left the index.
func (c *cli) errorsCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "errors RUN_ID",
		Short: "Every failed item (extraction, embedding, story group) and every warning of a run; status shows the first 20 of each kind",
		Args:  cobra.ExactArgs(1),
		RunE: c.bounded(func(cmd *cobra.Command, args []string) error {
			ctx, runID := cmd.Context(), args[0]
			st, err := c.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			if err := requireRun(ctx, st, runID); err != nil {
				return err
			}
			errs, warns, err := st.RunErrors(ctx, runID, 0)
			if err != nil {
				return err
			}
			if asJSON {
				return c.printJSON(map[string]any{"run_id": runID, "errors": nonNil(errs), "warnings": nonNil(warns)})
			}
			c.printItems(errs, warns)
			c.printf("run %s: %d failed item(s), %d warning(s)\n", runID, len(errs), len(warns))
			return nil
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"run_id", "errors": [{"phase", "id", "error"}], "warnings": [...]}`)
	return cmd
}

// requireRun says plainly when Postgres has no run runID (a mistyped ID), instead of the empty
// answer a query about it would give.
func requireRun(ctx context.Context, st *store.Store, runID string) error {
	_, err := st.GetRun(ctx, runID)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no run %s in Postgres (starter list shows the runs)", runID)
	}
	return err
}

// printItems prints failed items and warnings one a line, as status and errors show them.
func (c *cli) printItems(errs []pipeline.ItemError, warns []string) {
	for _, e := range errs {
		c.printf("  error [%s] %s: %s\n", e.Phase, e.ID, e.Error)
	}
	for _, w := range warns {
		c.printf("  warning: %s\n", w)
	}
}
