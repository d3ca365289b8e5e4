package integration

import (
	"context"
	"testing"
	"time"

	"feedbackpipe/localmodel"
	"feedbackpipe/pipeline"
)

// BenchmarkReviewCalls runs the whole pipeline, stories and their review included, over 1,050
// conversations (the sample three times, distinct IDs) on the built-in model, and reports the
// LLM calls per conversation (extraction, corrective retries, story reviews): target ≤ 1.1.
// A second run over the same window makes no call at all.
//
//	REQUIRE_SERVICES=1 go test -run '^$' -bench ReviewCalls -benchtime 1x ./integration/
func BenchmarkReviewCalls(b *testing.B) {
	const n = 1050
	for range b.N {
		b.StopTimer()
		e := newEnv(b, localmodel.Config{})
		if _, err := e.worker.Store.UpsertConversations(context.Background(), syntheticConversations(b, n)); err != nil {
			b.Fatal(err)
		}
		in := pipeline.RunInput{Days: 3650, Concurrency: 16, CreateStories: true}
		b.StartTimer()
		final, err := e.result(e.start(in), 10*time.Minute)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		reviews := e.count(`SELECT count(*) FROM run_group_reviews WHERE run_id = $1`, final.RunID)
		reviewCalls := e.count(`SELECT coalesce(sum(llm_calls), 0) FROM run_llm_usage WHERE run_id = $1 AND phase = 'stories'`, final.RunID)
		b.ReportMetric(float64(final.LLMCalls)/float64(n), "llm_calls/conv")
		b.ReportMetric(float64(reviewCalls), "review_calls")
		b.Logf("%d conversations: %d LLM calls (%.3f a conversation), %d of them review calls for %d reviewed groups; %d stories, %d orphans",
			n, final.LLMCalls, float64(final.LLMCalls)/float64(n), reviewCalls, reviews, final.StoriesCreated, final.OrphansCreated)
		again, err := e.result(e.start(in), 5*time.Minute)
		if err != nil {
			b.Fatal(err)
		}
		if again.LLMCalls != 0 {
			b.Errorf("a re-run over unchanged conversations made %d LLM calls, want 0", again.LLMCalls)
		}
	}
}
