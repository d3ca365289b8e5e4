package grouping

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"feedbackpipe/eval"
)

// BenchmarkGrouping10k and BenchmarkGrouping100k group synthetic themes (see synthetic):
// 10,000 themes of 2,000 signatures and 100,000 themes of 20,000 signatures, 50 product areas,
// 256-dimensional vectors. Besides the time per run they report the bytes allocated by a run
// (alloc_MB), the peak heap in use while it ran (peak_heap_MB, sampled every millisecond, the
// input's ~100 MB of vectors included) and that peak over the heap before the run
// (run_heap_MB), and the pairwise precision and recall against the synthetic issues.
//
//	go test -run '^$' -bench Grouping -benchtime 1x ./grouping/
func BenchmarkGrouping10k(b *testing.B)  { benchGrouping(b, 10_000, 2_000, nil) }
func BenchmarkGrouping100k(b *testing.B) { benchGrouping(b, 100_000, 20_000, nil) }

// benchGrouping groups synthetic items; reword, when set, renames their signatures first.
func benchGrouping(b *testing.B, n, sigs int, reword func([]Item)) {
	items, truth := synthetic(n, sigs, 50, 256, 1)
	if reword != nil {
		reword(items)
	}
	cfg := DefaultConfig()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		peak := newPeakSampler(time.Millisecond)
		b.StartTimer()
		start := time.Now()
		groups := Run(items, cfg)
		elapsed := time.Since(start)
		b.StopTimer()
		peakHeap := peak.stop()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		pred := make(map[string]eval.Assignment, n)
		stories := 0
		for _, g := range groups {
			orphan := len(g.Members) < cfg.MinSize
			if !orphan {
				stories++
			}
			for _, m := range g.Members {
				pred[items[m].ID] = eval.Assignment{Cluster: g.Key, Orphan: orphan}
			}
		}
		r := eval.Evaluate(pred, truth)
		mb := func(x uint64) float64 { return float64(x) / (1 << 20) }
		b.ReportMetric(mb(after.TotalAlloc-before.TotalAlloc), "alloc_MB")
		b.ReportMetric(mb(peakHeap), "peak_heap_MB")
		b.ReportMetric(mb(peakHeap-min(peakHeap, before.HeapInuse)), "run_heap_MB")
		b.ReportMetric(float64(len(groups)), "groups")
		b.ReportMetric(r.PairwisePrecision, "pair_precision")
		b.ReportMetric(r.PairwiseRecall, "pair_recall")
		b.Logf("%d themes, %d signatures: %v, %d groups (%d stories), alloc %.0f MB, peak heap %.0f MB (%.0f MB before), pairwise P %.3f R %.3f, ARI %.3f",
			n, sigs, elapsed.Round(time.Millisecond), len(groups), stories, mb(after.TotalAlloc-before.TotalAlloc),
			mb(peakHeap), mb(before.HeapInuse), r.PairwisePrecision, r.PairwiseRecall, r.ARI)
		b.StartTimer()
	}
}

// peakSampler records the highest heap in use (runtime/metrics: live and not yet swept objects
// plus the free space of in-use spans, MemStats.HeapInuse) seen until stop. runtime/metrics
// reads do not stop the world, so sampling does not slow the grouping down.
type peakSampler struct {
	done chan struct{}
	wg   sync.WaitGroup
	peak uint64
}

func newPeakSampler(every time.Duration) *peakSampler {
	p := &peakSampler{done: make(chan struct{})}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
		for {
			metrics.Read(samples)
			p.peak = max(p.peak, samples[0].Value.Uint64()+samples[1].Value.Uint64())
			select {
			case <-p.done:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

func (p *peakSampler) stop() uint64 {
	close(p.done)
	p.wg.Wait()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return max(p.peak, m.HeapInuse)
}
