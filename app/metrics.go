package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.temporal.io/sdk/client"
)

// metricsInterval is how often the gauges are refreshed from the run index.
const metricsInterval = 10 * time.Second

// Metrics serves the worker's Prometheus metrics: the run index's size and active runs (read
// from the index of the worker's task queue), and the Go runtime's.
type Metrics struct {
	server *http.Server
	stop   context.CancelFunc
	done   chan struct{}
	// Addr is where the metrics are served (resolved, so ":0" shows its port).
	Addr string
}

// StartMetrics serves /metrics on addr and keeps the gauges current until Close.
func StartMetrics(addr string, tc client.Client, taskQueue string, logger *slog.Logger) (*Metrics, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	entries := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "feedbackpipe_run_index_entries", Help: "Runs held in the run index of the worker's task queue.",
	})
	active := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "feedbackpipe_active_runs", Help: "Runs running or stopping, per the run index.",
	})
	reg.MustRegister(entries, active)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen for metrics on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
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
			state, err := Runs(qctx, tc, taskQueue)
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
