package telemetry

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"feedbackpipe/signature"
)

// WatchSignatureCaches exports the worker's signature caches, read at each scrape: the runs and
// signatures held (feedbackpipe_signature_cache_runs, _entries) and the proposals answered from
// memory or left to Postgres (feedbackpipe_signature_cache_lookups_total{result="hit"|"miss"};
// the hit ratio is hit ÷ (hit + miss)).
func (m *Metrics) WatchSignatureCaches(stats func() signature.Stats) error {
	lookups := func(result string, pick func(signature.Stats) int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name:        "feedbackpipe_signature_cache_lookups_total",
			Help:        "Proposed signatures the worker's signature caches answered from memory (hit) or left to Postgres to decide (miss).",
			ConstLabels: prometheus.Labels{"result": result},
		}, func() float64 { return float64(pick(stats())) })
	}
	for _, c := range []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "feedbackpipe_signature_cache_runs", Help: "Runs whose signature cache this worker holds.",
		}, func() float64 { return float64(stats().Runs) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "feedbackpipe_signature_cache_entries", Help: "Canonical signatures held in this worker's signature caches, over all runs.",
		}, func() float64 { return float64(stats().Entries) }),
		lookups("hit", func(s signature.Stats) int64 { return s.Hits }),
		lookups("miss", func(s signature.Stats) int64 { return s.Misses }),
	} {
		if err := m.registry.Register(c); err != nil {
			return fmt.Errorf("register signature cache metric: %w", err)
		}
	}
	return nil
}
