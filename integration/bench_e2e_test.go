package integration

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"feedbackpipe/pipeline"
)

// BenchmarkEndToEnd runs the product as users run it: worker processes (the real binary) on one
// task queue, the dev server, Postgres, one built-in model with latency L shared by the workers,
// and a run admitted like `starter run`, timed until it completed. N distinct conversations at
// concurrency C, with 1 and with 2 workers. Efficiency is (N·L/C) ÷ wall time: the share of the
// ideal a run reaches when C calls are always in flight. It reports the time of each phase.
//
//	REQUIRE_SERVICES=1 go test -run '^$' -bench EndToEnd -benchtime 1x -timeout 30m ./integration/
//
// BENCH_N, BENCH_CONCURRENCY, BENCH_E2E_LATENCY and BENCH_WORKERS (a comma-free single count)
// override the defaults N=5000, C=64, L=1s, workers 1 and 2.
func BenchmarkEndToEnd(b *testing.B) {
	n, conc := envInt("BENCH_N", 5000), envInt("BENCH_CONCURRENCY", 64)
	latency := time.Second
	if d, err := time.ParseDuration(os.Getenv("BENCH_E2E_LATENCY")); err == nil {
		latency = d
	}
	workers := []int{1, 2}
	if w := envInt("BENCH_WORKERS", 0); w > 0 {
		workers = []int{w}
	}
	for _, w := range workers {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				f := newFleetWith(b, latency, syntheticConversations(b, n))
				for i := range w {
					f.start(fmt.Sprintf("worker-%d", i))
				}
				time.Sleep(2 * time.Second) // the workers poll before the clock starts
				b.StartTimer()
				start := time.Now()
				id := f.run(pipeline.RunInput{Days: 3650, Concurrency: conc, CreateStories: true})
				phases := map[string]time.Time{}
				var samples, inFlight int64
				for {
					if _, extracting := phases[pipeline.PhaseEmbedding]; !extracting {
						samples++
						inFlight += f.model.Stats().ChatInFlight
					}
					s, err := f.status(id)
					if err == nil {
						if _, seen := phases[s.Phase]; !seen {
							phases[s.Phase] = time.Now()
						}
						if pipeline.IsTerminal(s.Status) {
							break
						}
					}
					time.Sleep(25 * time.Millisecond)
				}
				final := f.wait(id, time.Minute)
				wall := time.Since(start)
				b.StopTimer()
				if final.Status != pipeline.StatusCompleted {
					b.Fatalf("run ended %s: %s", final.Status, final.FailureMessage)
				}
				ideal := time.Duration(float64(n) * float64(latency) / float64(conc))
				at := func(phase string, fallback time.Time) time.Time {
					if t, ok := phases[phase]; ok {
						return t
					}
					return fallback
				}
				end := start.Add(wall)
				embedAt := at(pipeline.PhaseEmbedding, end)
				storiesAt := at(pipeline.PhaseStories, end)
				stats := f.model.Stats()
				b.ReportMetric(wall.Seconds(), "wall_s")
				b.ReportMetric(ideal.Seconds()/wall.Seconds(), "efficiency")
				b.ReportMetric(float64(n)/wall.Seconds(), "conv/s")
				b.ReportMetric(embedAt.Sub(start).Seconds(), "extraction_s")
				b.ReportMetric(storiesAt.Sub(embedAt).Seconds(), "embedding_s")
				b.ReportMetric(end.Sub(storiesAt).Seconds(), "stories_s")
				b.ReportMetric(float64(stats.PeakChatInFlight), "peak_calls_in_flight")
				meanInFlight := float64(inFlight) / float64(max(samples, 1))
				b.ReportMetric(meanInFlight, "mean_calls_in_flight")
				b.Logf("N=%d C=%d L=%v workers=%d: wall %.1fs for an ideal %.1fs (efficiency %.3f); extraction %.1fs, embedding %.1fs, stories+finish %.1fs; peak %d calls in flight, mean %.1f during extraction; %d chat, %d embedding requests",
					n, conc, latency, w, wall.Seconds(), ideal.Seconds(), ideal.Seconds()/wall.Seconds(),
					embedAt.Sub(start).Seconds(), storiesAt.Sub(embedAt).Seconds(), end.Sub(storiesAt).Seconds(),
					stats.PeakChatInFlight, meanInFlight, stats.ChatRequests, stats.EmbeddingRequests)
			}
		})
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
