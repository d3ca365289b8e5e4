// Package telemetry holds the worker's Prometheus metrics: the Temporal SDK's own (through the
// SDK's OpenTelemetry contrib and the OpenTelemetry Prometheus exporter, on the same registry)
// and the product's. One Metrics is built per process and passed to what records into it.
package telemetry

import (
	"context"
	"fmt"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.temporal.io/sdk/client"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
)

// Metrics is the process's registry and the product's instruments.
type Metrics struct {
	registry *prometheus.Registry
	provider *sdkmetric.MeterProvider
	sdk      client.MetricsHandler

	llmLatency *prometheus.HistogramVec
	llmTokens  *prometheus.CounterVec
	llmRetries *prometheus.CounterVec
	llm429     *prometheus.CounterVec

	itemsFailed   *prometheus.CounterVec
	phaseDuration *prometheus.HistogramVec

	// RunIndexEntries and ActiveRuns are set from the run index of the worker's task queue.
	RunIndexEntries prometheus.Gauge
	ActiveRuns      prometheus.Gauge
}

// New builds the registry with the Go runtime and process collectors, the Temporal SDK's
// metrics handler and the product's instruments.
func New() (*Metrics, error) {
	reg := prometheus.NewRegistry()
	if err := reg.Register(collectors.NewGoCollector()); err != nil {
		return nil, fmt.Errorf("register Go collector: %w", err)
	}
	if err := reg.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})); err != nil {
		return nil, fmt.Errorf("register process collector: %w", err)
	}
	exporter, err := otelprom.New(otelprom.WithRegisterer(reg), otelprom.WithoutScopeInfo(), otelprom.WithoutTargetInfo())
	if err != nil {
		return nil, fmt.Errorf("OpenTelemetry Prometheus exporter: %w", err)
	}
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter))
	m := &Metrics{
		registry: reg,
		provider: provider,
		sdk: temporalotel.NewMetricsHandler(temporalotel.MetricsHandlerOptions{
			Meter: provider.Meter("go.temporal.io/sdk"),
		}),
		llmLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "feedbackpipe_llm_request_duration_seconds",
			Help:    "Duration of each LLM API request (every attempt), by model, call kind (extract, extract_correction, embed, story_review) and outcome (ok, error).",
			Buckets: []float64{0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60},
		}, []string{"model", "kind", "outcome"}),
		llmTokens: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "feedbackpipe_llm_tokens_total",
			Help: "Tokens the LLM API reported, by model, call kind and direction (in, out).",
		}, []string{"model", "kind", "direction"}),
		llmRetries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "feedbackpipe_llm_retries_total",
			Help: "LLM API requests retried after a transient failure, by model, call kind and code.",
		}, []string{"model", "kind", "code"}),
		llm429: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "feedbackpipe_llm_rate_limited_total",
			Help: "LLM API requests answered 429 (rate limited), by model and call kind.",
		}, []string{"model", "kind"}),
		itemsFailed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "feedbackpipe_items_failed_total",
			Help: "Items (conversations, themes, groups) that failed, by phase and reason code.",
		}, []string{"phase", "reason"}),
		phaseDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "feedbackpipe_phase_activity_duration_seconds",
			Help:    "Duration of each execution of a phase's activity on this worker, by phase and activity.",
			Buckets: prometheus.ExponentialBuckets(0.05, 2.5, 12),
		}, []string{"phase", "activity"}),
		RunIndexEntries: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "feedbackpipe_run_index_entries", Help: "Runs held in the run index of the worker's task queue.",
		}),
		ActiveRuns: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "feedbackpipe_active_runs", Help: "Runs running or stopping, per the run index.",
		}),
	}
	for _, c := range []prometheus.Collector{m.llmLatency, m.llmTokens, m.llmRetries, m.llm429,
		m.itemsFailed, m.phaseDuration, m.RunIndexEntries, m.ActiveRuns} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register metric: %w", err)
		}
	}
	return m, nil
}

// SDKHandler is the metrics handler to give the Temporal client (client.Options.MetricsHandler).
func (m *Metrics) SDKHandler() client.MetricsHandler { return m.sdk }

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// Register adds a collector to the registry.
func (m *Metrics) Register(c prometheus.Collector) error { return m.registry.Register(c) }

// Close flushes and stops the OpenTelemetry meter provider.
func (m *Metrics) Close(ctx context.Context) error {
	if err := m.provider.Shutdown(ctx); err != nil {
		return fmt.Errorf("stop the OpenTelemetry meter provider: %w", err)
	}
	return nil
}
