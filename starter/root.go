package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/spf13/cobra"
	"go.temporal.io/sdk/client"

	"feedbackpipe/config"
	"feedbackpipe/store"
)

// cli holds what every command needs: the configuration and where to print.
type cli struct {
	cfg      config.Config
	out      io.Writer
	errOut   io.Writer // notes for people (stderr), apart from the output
	getenv   func(string) string
	migrated bool          // migrations were applied by this process
	timeout  time.Duration // --timeout of the commands that read or signal (bounded)
}

func newRootCommand(out io.Writer, getenv func(string) string) *cobra.Command {
	c := &cli{out: out, getenv: getenv}
	root := &cobra.Command{
		Use:   "starter",
		Short: "Operate the feedback pipeline: import conversations, run, stop and inspect pipeline runs",
		Long: `starter is the operators' CLI of the feedback pipeline.

It talks to Temporal (runs) and Postgres (conversations, runs, stories) at the addresses that
'make up' uses, unless DATABASE_URL and the Temporal environment configuration say otherwise
(TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, or a profile of
TEMPORAL_CONFIG_FILE chosen by TEMPORAL_PROFILE, as the temporal CLI reads them).`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.Load(getenv)
			if err != nil {
				return err
			}
			if v, _ := cmd.Flags().GetString("database-url"); v != "" {
				cfg.DatabaseURL = v
			}
			if v, _ := cmd.Flags().GetString("temporal-address"); v != "" {
				cfg.TemporalAddress = v
			}
			if v, _ := cmd.Flags().GetString("namespace"); v != "" {
				cfg.Namespace = v
			}
			c.cfg = cfg
			c.errOut = cmd.ErrOrStderr()
			return nil
		},
	}
	root.PersistentFlags().String("database-url", "", "Postgres URL (default: env DATABASE_URL or the local one)")
	root.PersistentFlags().String("temporal-address", "", "Temporal host:port (default: env TEMPORAL_ADDRESS, the Temporal profile, or 127.0.0.1:7233)")
	root.PersistentFlags().String("namespace", "", "Temporal namespace (default: env TEMPORAL_NAMESPACE, the Temporal profile, or default)")
	root.PersistentFlags().DurationVar(&c.timeout, "timeout", defaultTimeout,
		"how long list, status, errors, stop, stories, preview, eval and schedule wait for Postgres and Temporal (0: no limit)")
	root.AddCommand(c.importCommand(), c.migrateCommand(), c.runCommand(), c.stopCommand(),
		c.statusCommand(), c.errorsCommand(), c.watchCommand(), c.listCommand(), c.storiesCommand(), c.previewCommand(), c.evalCommand(),
		c.serveCommand(), c.scheduleCommand())
	root.AddCommand(c.codecServerCommand())
	return root
}

// openStore connects to Postgres, applying pending migrations first (once per process) so every
// command works on a fresh database; migrations are idempotent and serialised by an advisory lock.
func (c *cli) openStore(ctx context.Context) (*store.Store, error) {
	if !c.migrated {
		// The migration library takes no context: a Postgres that does not answer would hold the
		// command past its --timeout, so it is waited for only as long as ctx lasts.
		done := make(chan error, 1)
		go func() {
			_, err := store.Migrate(c.cfg.DatabaseURL)
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil {
				return nil, err
			}
		case <-ctx.Done():
			return nil, fmt.Errorf("apply migrations on %s: %w", store.Redact(c.cfg.DatabaseURL), ctx.Err())
		}
		c.migrated = true
	}
	return store.Open(ctx, c.cfg.DatabaseURL)
}

// withTemporal runs fn with a Temporal client, closed afterwards.
func (c *cli) withTemporal(fn func(client.Client) error) error {
	tc, err := c.cfg.Dial(slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		return err
	}
	defer tc.Close()
	return fn(tc)
}

func (c *cli) printJSON(v any) error {
	enc := json.NewEncoder(c.out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func (c *cli) printf(format string, args ...any) {
	fmt.Fprintf(c.out, format, args...)
}

func (c *cli) runURL(runID string) string {
	return fmt.Sprintf("%s/namespaces/%s/workflows/%s", c.cfg.UIURL, c.cfg.Namespace, runID)
}
