package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"feedbackpipe/ingest"
	"feedbackpipe/store"
	"feedbackpipe/testenv"
)

// writeConversations writes n conversations of about 1 KB each as JSON Lines.
func writeConversations(tb testing.TB, n int) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), fmt.Sprintf("conv%d.jsonl", n))
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for i := range n {
		fmt.Fprintf(w, `{"id":"bench-%07d","created_at":"2026-11-01T10:00:00Z","subject":"Export %d fails","messages":[`+
			`{"author":"customer","text":"Hi, exporting report %d to CSV fails with an error every time since yesterday. I tried Chrome and Firefox, cleared the cache and logged in again, nothing helps. Can you look into it? We need the numbers for a board meeting."},`+
			`{"author":"support","text":"Thanks for the report! Could you tell us which workspace and which report this is? We are looking into it with the team right now."},`+
			`{"author":"customer","text":"Workspace acme-%d, the monthly engagement report. It worked last week."}]}`+"\n", i, i, i, i)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

// peakHeap runs fn while sampling the heap in use every few milliseconds and returns
// the highest sample above the heap in use before fn started.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak uint64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Go(func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			var s runtime.MemStats
			runtime.ReadMemStats(&s)
			peak = max(peak, s.HeapInuse)
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	})
	fn()
	close(stop)
	wg.Wait()
	return peak - min(peak, base)
}

// BenchmarkImportJSONL imports 10k and 100k conversations into Postgres the way
// `starter import` does and reports the peak heap the import adds: it must stay flat.
// For comparison, "collect" reads the same file whole with ingest.ReadFile.
//
//	REQUIRE_SERVICES=1 go test -run '^$' -bench ImportJSONL -benchtime 1x ./starter/
func BenchmarkImportJSONL(b *testing.B) {
	dbURL := testenv.Database(b)
	if _, err := store.Migrate(dbURL); err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(context.Background(), dbURL)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	for _, n := range []int{10_000, 100_000} {
		path := writeConversations(b, n)
		b.Run(fmt.Sprintf("stream-%dk", n/1000), func(b *testing.B) {
			for b.Loop() {
				var counts store.ImportCounts
				var err error
				peak := peakHeap(func() {
					src := ingest.NewFiles([]string{path}, false)
					defer src.Close()
					counts, err = st.ImportConversations(context.Background(), src.Next)
				})
				if err != nil {
					b.Fatal(err)
				}
				if got := counts.Inserted + counts.Updated + counts.Unchanged; got != n {
					b.Fatalf("imported %d of %d", got, n)
				}
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			}
		})
		b.Run(fmt.Sprintf("collect-%dk", n/1000), func(b *testing.B) {
			for b.Loop() {
				var res *ingest.Result
				peak := peakHeap(func() { res, err = ingest.ReadFile(path, false) })
				if err != nil || len(res.Conversations) != n {
					b.Fatalf("read: %v", err)
				}
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			}
		})
	}
}
