package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"
)

// defaultTimeout is how long a command that reads or signals (list, status, errors, stop, stories,
// preview, eval, schedule) waits for Postgres and Temporal together: each answers such a command
// in well under a second, so 30 s means one of them is wedged or unreachable. import, run, watch,
// serve and migrate do long work by design and are not bounded; Ctrl-C ends them.
const defaultTimeout = 30 * time.Second

// errTimedOut is the cause of a bounded command's context when its --timeout passed.
var errTimedOut = errors.New("the command's --timeout passed")

// bounded runs a reading or signalling command under --timeout (0: no bound), and says plainly
// when the bound, not Ctrl-C or a failure of its own, ended it. A cron job gets an error and exit
// code 1 instead of waiting on a wedged database or an unreachable Temporal for ever.
func (c *cli) bounded(run func(*cobra.Command, []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if c.timeout < 0 {
			return fmt.Errorf("--timeout must not be negative (0: no limit), got %s", c.timeout)
		}
		if c.timeout == 0 {
			return run(cmd, args)
		}
		ctx, cancel := context.WithTimeoutCause(cmd.Context(), c.timeout, errTimedOut)
		defer cancel()
		cmd.SetContext(ctx)
		err := run(cmd, args)
		if err != nil && errors.Is(context.Cause(ctx), errTimedOut) {
			return fmt.Errorf("no answer from Postgres or Temporal within %s (--timeout; is one of them down or locked?): %w", c.timeout, err)
		}
		return err
	}
}
