package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"feedbackpipe/store"
)

// BenchmarkSaveThemes times a run's theme saves, 16 at a time (a batch's call slots), 1,600 themes
// under 10 signatures an earlier run stored: as a team's daily run saves them (the signature's
// first run known, no lock) and as when that is not known (each save takes the run-and-signature
// lock that decides themes_new, and the saves of one signature wait for each other).
//
//	REQUIRE_SERVICES=1 go test -run '^$' -bench SaveThemes -benchtime 5x ./store/
func BenchmarkSaveThemes(b *testing.B) {
	const themes, signatures, slots = 1600, 10, 16
	ctx := context.Background()
	st := benchStore(b)
	convs := make([]string, themes)
	for i := range convs {
		convs[i] = fmt.Sprintf("c%05d", i)
	}
	_, err := st.Pool().Exec(ctx, `INSERT INTO conversations (id, created_at, messages, content_hash)
		SELECT id, now(), '[]', 'hash-' || id FROM unnest($1::text[]) AS id`, convs)
	require.NoError(b, err)
	newRun := func(id string) {
		require.NoError(b, st.CreateRun(ctx, store.Run{ID: id, Status: "running", Phase: "extraction", Concurrency: slots,
			WindowSince: base, WindowUntil: base.Add(24 * time.Hour), StartedAt: time.Now()}))
	}
	newRun("earlier")
	sigs := make([]string, signatures)
	for i := range sigs {
		sigs[i] = fmt.Sprintf("linkedin_problem_number_%d", i)
		_, _, _, err := st.ResolveSignature(ctx, sigs[i], "publishing", "earlier")
		require.NoError(b, err)
	}
	for _, known := range []bool{false, true} {
		b.Run(fmt.Sprintf("first_run_known=%t", known), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				run := fmt.Sprintf("now-%t-%d", known, i)
				newRun(run)
				work := make(chan int, themes)
				for t := range themes {
					work <- t
				}
				close(work)
				b.StartTimer()
				drain(slots, work, func(t int) {
					e := extr(run, convs[t], store.OutcomeTheme, sigs[t%signatures], true)
					if known {
						e.SignatureRun = "earlier"
					}
					if err := st.SaveExtraction(ctx, e); err != nil {
						b.Error(err)
					}
				})
			}
		})
	}
}
