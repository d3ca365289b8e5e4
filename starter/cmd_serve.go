package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"go.temporal.io/sdk/client"

	"feedbackpipe/pipeline"
	"feedbackpipe/runindex"
	"feedbackpipe/store"
	"feedbackpipe/web"
)

// DefaultServeAddr is where `serve` listens unless told otherwise: loopback only.
const DefaultServeAddr = "127.0.0.1:8080"

func (c *cli) serveCommand() *cobra.Command {
	var addr string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the backlog in a browser: stories, story pages, triage and runs",
		Long: `Serve the backlog as a web app on --addr (loopback by default): the stories with their
trend and triage status, a page per story, the runs of the run index (start and stop them).

Outside loopback it needs FEEDBACK_WEB_TOKEN (a bearer token, or the password of basic auth)
or FEEDBACK_WEB_BASIC_AUTH (user:password), and refuses to start without one. Triage records
who set it: the header named by FEEDBACK_WEB_USER_HEADER (set it only behind a proxy that sets
that header, e.g. X-Forwarded-User), else the basic-auth user, else FEEDBACK_WEB_USER.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg := web.ReadConfig(c.getenv)
			cfg.Addr, cfg.UIURL, cfg.Namespace = addr, c.cfg.UIURL, c.cfg.Namespace
			if err := web.Exposure(cfg); err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			st, err := c.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			return c.withTemporal(func(tc client.Client) error {
				log := slog.New(slog.NewTextHandler(c.errOut, nil))
				srv, err := web.New(cfg, st, &serveRuns{c: c, tc: tc, st: st}, log)
				if err != nil {
					return err
				}
				return c.listenAndServe(ctx, cfg.Addr, srv.Handler())
			})
		},
	}
	cmd.Flags().StringVar(&addr, "addr", DefaultServeAddr, "host:port to listen on (outside loopback, FEEDBACK_WEB_TOKEN or FEEDBACK_WEB_BASIC_AUTH is required)")
	return cmd
}

// listenAndServe serves until ctx ends, then shuts down within a few seconds.
func (c *cli) listenAndServe(ctx context.Context, addr string, h http.Handler) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 90 * time.Second, IdleTimeout: 2 * time.Minute}
	c.printf("serving the backlog on http://%s/\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// serveRuns lists, starts and stops runs for the web app as `list`, `run` and `stop` do.
type serveRuns struct {
	c  *cli
	tc client.Client
	st *store.Store
}

func (r *serveRuns) List(ctx context.Context) ([]web.RunRow, string, error) {
	state, reason, err := r.c.readIndex(ctx, r.tc)
	if err != nil {
		return nil, "", err
	}
	note := ""
	if reason != "" {
		note = reason + ": " + postgresNote
		runs, err := r.st.IndexRuns(ctx, r.c.cfg.Index.WithDefaults().Retention)
		if err != nil {
			return nil, "", err
		}
		state.Entries = state.Entries[:0]
		for _, run := range runs {
			state.Entries = append(state.Entries, pipeline.IndexEntry{RunID: run.ID, Status: run.Status, Phase: run.Phase,
				DryRun: run.DryRun, StartedAt: run.StartedAt, EndedAt: run.EndedAt})
		}
	}
	rows := make([]web.RunRow, 0, len(state.Entries))
	for i := len(state.Entries) - 1; i >= 0; i-- {
		row := web.RunRow{IndexEntry: state.Entries[i]}
		if run, err := r.st.GetRun(ctx, row.RunID); err == nil {
			row.Counters = run.Counters
		}
		rows = append(rows, row)
	}
	return rows, note, nil
}

func (r *serveRuns) Start(ctx context.Context, days, max int) (string, error) {
	if err := r.c.requireWorker(ctx, r.tc); err != nil {
		return "", err
	}
	until := time.Now().UTC()
	since := until.Add(-time.Duration(days) * 24 * time.Hour)
	in := pipeline.RunInput{Days: days, MaxConversations: max, Concurrency: pipeline.DefaultConcurrency,
		CreateStories: true, Since: &since, Until: &until}
	actx, cancel := context.WithTimeout(ctx, admitTimeout)
	defer cancel()
	return runindex.StartRun(actx, r.tc, r.c.cfg.TaskQueue, in, r.c.cfg.Index, until)
}

func (r *serveRuns) Stop(ctx context.Context, runID string) error {
	if _, err := r.st.GetRun(ctx, runID); errors.Is(err, store.ErrNotFound) {
		return err
	}
	if err := r.c.checkRunning(ctx, r.tc, runID); err != nil {
		return err
	}
	if err := r.tc.SignalWorkflow(ctx, runID, "", pipeline.SignalStop, nil); err != nil {
		return fmt.Errorf("signal stop to %s: %w", runID, err)
	}
	return nil
}
