package main

import (
	"context"
	"fmt"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"go.temporal.io/sdk/client"

	"feedbackpipe/pipeline"
)

func (c *cli) watchCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "watch RUN_ID",
		Short: "Follow a run with a progress bar per phase until it ends, then print its summary",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.withTemporal(func(tc client.Client) error {
				s, err := c.watch(cmd.Context(), tc, args[0])
				if err != nil {
					return err
				}
				c.printf("\n")
				c.printSummary(s)
				return nil
			})
		},
	}
}

// watch draws one bar per phase: conversations for extraction, then a spinner for the phases
// whose size is known only when they end.
func (c *cli) watch(ctx context.Context, tc client.Client, runID string) (pipeline.Status, error) {
	var bar *progressbar.ProgressBar
	phase := ""
	for {
		s, err := c.status(ctx, tc, runID)
		if err != nil {
			return s, err
		}
		if s.Phase != phase && !pipeline.IsTerminal(s.Status) {
			if bar != nil {
				_ = bar.Finish()
				c.printf("\n")
			}
			phase = s.Phase
			opts := []progressbar.Option{
				progressbar.OptionSetWriter(c.out),
				progressbar.OptionSetDescription(fmt.Sprintf("%-10s", phase)),
				progressbar.OptionThrottle(200 * time.Millisecond),
				progressbar.OptionSetWidth(30),
			}
			total := -1 // a spinner: the phase's size is known when it ends
			if phase == pipeline.PhaseExtraction {
				total = max(s.Total, 1)
				opts = append(opts, progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("conv"))
			}
			bar = progressbar.NewOptions(total, opts...)
		}
		if bar != nil {
			if phase == pipeline.PhaseExtraction {
				if s.Total > 0 && bar.GetMax() != s.Total {
					bar.ChangeMax(s.Total)
				}
				_ = bar.Set(s.Done)
			} else {
				_ = bar.Add(1)
			}
			bar.Describe(fmt.Sprintf("%-10s %s · themes %d · failed %d", phase, s.Status, s.ThemesExtracted, s.ExtractionFailed))
		}
		if pipeline.IsTerminal(s.Status) {
			if bar != nil {
				_ = bar.Finish()
			}
			return s, nil
		}
		select {
		case <-ctx.Done():
			return s, ctx.Err()
		case <-time.After(pipeline.WatchInterval):
		}
	}
}
