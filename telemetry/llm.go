package telemetry

import (
	"strconv"
	"time"

	"feedbackpipe/llm"
)

// LLM is the llm.Recorder that records into m.
func (m *Metrics) LLM() llm.Recorder { return llmRecorder{m} }

type llmRecorder struct{ m *Metrics }

func (r llmRecorder) Request(model, kind string, d time.Duration, err error) {
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	r.m.llmLatency.WithLabelValues(model, kind, outcome).Observe(d.Seconds())
}

func (r llmRecorder) Tokens(model, kind string, in, out int) {
	r.m.llmTokens.WithLabelValues(model, kind, "in").Add(float64(max(in, 0)))
	r.m.llmTokens.WithLabelValues(model, kind, "out").Add(float64(max(out, 0)))
}

func (r llmRecorder) Retry(model, kind, code string) {
	r.m.llmRetries.WithLabelValues(model, kind, code).Inc()
	if code == "rate_limited" || code == "http_"+strconv.Itoa(429) {
		r.m.llm429.WithLabelValues(model, kind).Inc()
	}
}
