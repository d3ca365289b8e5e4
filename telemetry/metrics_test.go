package telemetry

import (
	"context"
	"errors"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"feedbackpipe/signature"
)

func TestLLMRecorderCountsRateLimitsApartFromOtherRetries(t *testing.T) {
	m, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = m.Close(context.Background()) }()
	r := m.LLM()
	r.Retry("m", "extract", "rate_limited")
	r.Retry("m", "extract", "http_503")
	r.Request("m", "embed", 2*time.Second, errors.New("boom"))
	r.Tokens("m", "embed", 40, 0)
	if got := value(t, m, "feedbackpipe_llm_rate_limited_total", "kind", "extract"); got != 1 {
		t.Errorf("429s = %v, want 1", got)
	}
	if got := value(t, m, "feedbackpipe_llm_retries_total", "code", "http_503"); got != 1 {
		t.Errorf("503 retries = %v, want 1", got)
	}
	if got := value(t, m, "feedbackpipe_llm_tokens_total", "direction", "in"); got != 40 {
		t.Errorf("tokens in = %v, want 40", got)
	}
	if n := value(t, m, "feedbackpipe_llm_request_duration_seconds", "outcome", "error"); n != 1 {
		t.Errorf("failed requests observed = %v, want 1", n)
	}
}

func TestReasonIsABoundedCode(t *testing.T) {
	for in, want := range map[string]string{
		"low_quality: 0.20 < 0.30":     "low_quality",
		"invalid_output: field x":      "invalid_output",
		"empty_digest":                 "empty_digest",
		"some free text: with a colon": "other",
		"":                             "other",
		"a_very_long_code_that_is_surely_not_a_code_at_all: x": "other",
	} {
		if got := Reason(in); got != want {
			t.Errorf("Reason(%q) = %q, want %q", in, got, want)
		}
	}
}

// value is the value (a histogram's count) of the series of name whose label is val.
func value(t *testing.T, m *Metrics, name, label, val string) float64 {
	t.Helper()
	families, err := m.registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, s := range f.GetMetric() {
			if has(s, label, val) {
				switch {
				case s.Counter != nil:
					return s.GetCounter().GetValue()
				case s.Histogram != nil:
					return float64(s.GetHistogram().GetSampleCount())
				}
			}
		}
	}
	return 0
}

func has(s *dto.Metric, label, val string) bool {
	for _, l := range s.GetLabel() {
		if l.GetName() == label && l.GetValue() == val {
			return true
		}
	}
	return false
}

func TestSignatureCacheMetricsReadTheRegistry(t *testing.T) {
	m, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = m.Close(context.Background()) }()
	st := signature.Stats{Runs: 1, Entries: 7, Hits: 30, Misses: 10}
	if err := m.WatchSignatureCaches(func() signature.Stats { return st }); err != nil {
		t.Fatal(err)
	}
	if got := value(t, m, "feedbackpipe_signature_cache_lookups_total", "result", "hit"); got != 30 {
		t.Errorf("hits = %v, want 30", got)
	}
	st.Misses = 12
	if got := value(t, m, "feedbackpipe_signature_cache_lookups_total", "result", "miss"); got != 12 {
		t.Errorf("misses = %v, want 12 (read at scrape time)", got)
	}
}
