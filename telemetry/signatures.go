package telemetry

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"feedbackpipe/signature"
)

// WatchSignatureCaches exports the worker's signature caches, read once at each scrape: the runs
// and signatures held (feedbackpipe_signature_cache_runs, _entries) and the proposals answered
// from memory or left to Postgres (feedbackpipe_signature_cache_lookups_total{result="hit"|"miss"};
// the hit ratio is hit ÷ (hit + miss)).
func (m *Metrics) WatchSignatureCaches(stats func() signature.Stats) error {
	c := &signatureCaches{
		stats: stats,
		runs: prometheus.NewDesc("feedbackpipe_signature_cache_runs",
			"Runs whose signature cache this worker holds.", nil, nil),
		entries: prometheus.NewDesc("feedbackpipe_signature_cache_entries",
			"Canonical signatures held in this worker's signature caches, over all runs.", nil, nil),
		lookups: prometheus.NewDesc("feedbackpipe_signature_cache_lookups_total",
			"Proposed signatures the worker's signature caches answered from memory (hit) or left to Postgres to decide (miss).",
			[]string{"result"}, nil),
	}
	if err := m.registry.Register(c); err != nil {
		return fmt.Errorf("register signature cache metrics: %w", err)
	}
	return nil
}

// signatureCaches collects the signature cache metrics from one read of the registry.
type signatureCaches struct {
	stats                  func() signature.Stats
	runs, entries, lookups *prometheus.Desc
}

func (c *signatureCaches) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.runs
	ch <- c.entries
	ch <- c.lookups
}

func (c *signatureCaches) Collect(ch chan<- prometheus.Metric) {
	st := c.stats()
	ch <- prometheus.MustNewConstMetric(c.runs, prometheus.GaugeValue, float64(st.Runs))
	ch <- prometheus.MustNewConstMetric(c.entries, prometheus.GaugeValue, float64(st.Entries))
	ch <- prometheus.MustNewConstMetric(c.lookups, prometheus.CounterValue, float64(st.Hits), "hit")
	ch <- prometheus.MustNewConstMetric(c.lookups, prometheus.CounterValue, float64(st.Misses), "miss")
}
