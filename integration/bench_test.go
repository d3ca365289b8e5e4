package integration

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"feedbackpipe/conversation"
	"feedbackpipe/localmodel"
	"feedbackpipe/pipeline"
)

// syntheticConversations makes n distinct conversations from the sample set: new IDs and a
// varied sentence, so no content cache applies.
func syntheticConversations(b testing.TB, n int) []conversation.Conversation {
	sample := sampleConversations(b)
	out := make([]conversation.Conversation, n)
	for i := range out {
		c := sample[i%len(sample)]
		c.ID = fmt.Sprintf("bench_%06d", i)
		msgs := append([]conversation.Message(nil), c.Messages...)
		msgs[0].Text = fmt.Sprintf("%s (ticket %d)", msgs[0].Text, i)
		c.Messages = msgs
		out[i] = c
	}
	return out
}

// BenchmarkExtraction runs the extraction of 5,000 conversations against the built-in model
// with 100 ms latency per call and concurrency 32. The ideal rate is 32 / 0.1 s = 320
// conversations per second; efficiency is the measured rate over that ideal.
//
//	make bench   (or: REQUIRE_SERVICES=1 go test -run '^$' -bench Extraction -benchtime 1x ./integration/)
func BenchmarkExtraction(b *testing.B) {
	const n, concurrency = 5000, 32
	latency := benchLatency()
	for range b.N {
		b.StopTimer()
		e := newEnv(b, localmodel.Config{Latency: latency})
		convs := syntheticConversations(b, n)
		if _, err := e.worker.Store.UpsertConversations(context.Background(), convs); err != nil {
			b.Fatal(err)
		}
		in := pipeline.RunInput{Days: 3650, Concurrency: concurrency, CreateStories: false}
		b.StartTimer()
		start := time.Now()
		runID := e.start(in)
		var t10, t90 time.Time // when a tenth and nine tenths were done: the steady state between
		e.waitFor(runID, 10*time.Minute, func(s pipeline.Status) bool {
			if t10.IsZero() && s.Done >= n/10 {
				t10 = time.Now()
			}
			if t90.IsZero() && s.Done >= n*9/10 {
				t90 = time.Now()
			}
			return s.Done >= n || pipeline.IsTerminal(s.Status)
		})
		elapsed := time.Since(start)
		steady := float64(n*8/10) / t90.Sub(t10).Seconds()
		b.StopTimer()
		final, err := e.result(runID, 5*time.Minute)
		if err != nil {
			b.Fatal(err)
		}
		rate := float64(n) / elapsed.Seconds()
		ideal := float64(concurrency) / latency.Seconds()
		b.ReportMetric(rate, "conv/s")
		b.ReportMetric(rate/ideal, "efficiency")
		b.ReportMetric(steady/ideal, "steady_efficiency")
		b.ReportMetric(float64(final.LLMCalls)/float64(n), "llm_calls/conv")
		b.ReportMetric(float64(e.worker.LocalModel.Stats().EmbeddingRequests), "embedding_requests")
		b.Logf("%d conversations extracted in %v: %.1f conv/s, efficiency %.3f (steady state %.1f conv/s, %.3f), %d LLM calls, %d embedding requests for %d themes",
			n, elapsed.Round(time.Millisecond), rate, rate/ideal, steady, steady/ideal, final.LLMCalls, e.worker.LocalModel.Stats().EmbeddingRequests, final.ThemesExtracted)
		// The same window again: every extraction and vector is reused.
		before := e.worker.LocalModel.Stats()
		again, err := e.result(e.start(in), 5*time.Minute)
		if err != nil {
			b.Fatal(err)
		}
		after := e.worker.LocalModel.Stats()
		b.ReportMetric(float64(after.EmbeddingRequests-before.EmbeddingRequests), "second_run_embedding_requests")
		b.Logf("second run over the same window: %d chat requests, %d embedding requests, %d LLM calls counted",
			after.ChatRequests-before.ChatRequests, after.EmbeddingRequests-before.EmbeddingRequests, again.LLMCalls)
	}
}

func benchLatency() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("BENCH_LATENCY")); err == nil {
		return d
	}
	return 100 * time.Millisecond
}
