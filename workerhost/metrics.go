package workerhost

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"go.temporal.io/sdk/client"

	"feedbackpipe/runindex"
	"feedbackpipe/telemetry"
)

// metricsInterval is how often the gauges are refreshed from the run index.
const metricsInterval = 10 * time.Second

// Metrics serves the worker's Prometheus metrics (package telemetry: the Temporal SDK's, the
// LLM client's, the phase activities', the Go runtime's) and keeps the run index's size and
// active runs current (read from the index of the worker's task queue).
type Metrics struct {
	server *http.Server
	stop   context.CancelFunc
	done   chan struct{}
	// Addr is where the metrics are served (resolved, so ":0" shows its port).
	Addr string
}

// StartMetrics serves /metrics on addr and keeps the gauges current until Close.
func StartMetrics(addr string, tm *telemetry.Metrics, tc client.Client, taskQueue string, logger *slog.Logger) (*Metrics, error) {
	entries, active := tm.RunIndexEntries, tm.ActiveRuns
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen for metrics on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", tm.Handler())
	ctx, cancel := context.WithCancel(context.Background())
	m := &Metrics{server: &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}, stop: cancel, done: make(chan struct{}), Addr: ln.Addr().String()}
	go func() {
		if err := m.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("metrics server stopped", "error", err)
		}
	}()
	go func() {
		defer close(m.done)
		for {
			qctx, qcancel := context.WithTimeout(ctx, 5*time.Second)
			state, err := runindex.Runs(qctx, tc, taskQueue)
			qcancel()
			if err == nil {
				n := 0
				for _, e := range state.Entries {
					if e.Live() {
						n++
					}
				}
				entries.Set(float64(len(state.Entries)))
				active.Set(float64(n))
			} else if ctx.Err() == nil {
				logger.Debug("could not read the run index for metrics", "error", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(metricsInterval):
			}
		}
	}()
	logger.Info("serving metrics", "addr", "http://"+m.Addr+"/metrics")
	return m, nil
}

// Close stops serving.
func (m *Metrics) Close(ctx context.Context) {
	m.stop()
	<-m.done
	_ = m.server.Shutdown(ctx)
}
