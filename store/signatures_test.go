package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"feedbackpipe/signature"
	"feedbackpipe/store"
)

// nearSpellings are spellings of one issue that the signature rules match as near-duplicates of
// each other (same folded tokens), proposed by different workers' extractions.
var nearSpellings = []string{
	"pinterest_connection_failure", "pinterest_connection_failed", "pinterest_connection_issue",
	"pinterest_connection_failures", "Pinterest Connection Problem", "pinterest_connections_failure",
}

// workerRound simulates workers extracting one run at once: each worker has its OWN cache, seeded
// from Postgres before any worker mints, and canonicalizes its conversations with decide, then
// saves them. Worker w's first proposal is nearSpellings[w], so no two workers start alike.
func workerRound(t *testing.T, st *store.Store, runID string, workers, perWorker int,
	decide func(cache *signature.Cache, proposed, convID string) (signature.Resolution, error)) {
	t.Helper()
	ctx := context.Background()
	caches := make([]*signature.Cache, workers)
	for w := range caches {
		seed, aliases, err := st.LoadSignatures(ctx)
		require.NoError(t, err)
		caches[w] = signature.NewCache(seed, aliases, 1000)
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for w := range workers {
		for i := range perWorker {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				convID := fmt.Sprintf("c%02d", w*perWorker+i+1)
				proposed := nearSpellings[(w+i)%len(nearSpellings)]
				res, err := decide(caches[w], proposed, convID)
				if !assert.NoError(t, err, proposed) {
					return
				}
				e := extr(runID, convID, store.OutcomeTheme, res.Canonical, true)
				e.ProposedSig, e.Minted = signature.Normalize(proposed), res.Minted
				if res.Alias {
					e.AliasOf = res.Canonical
				}
				assert.NoError(t, st.SaveExtraction(ctx, e))
			}()
		}
	}
	close(start)
	wg.Wait()
}

// TestWorkersConvergeOnOneSignature: N workers, each with its own cache, proposing near-duplicate
// spellings of one issue at once end with ONE canonical signature, the other spellings stored as
// its aliases, and exactly one minted theme per signature row. Run it with -race.
func TestWorkersConvergeOnOneSignature(t *testing.T) {
	const workers, perWorker = 6, 4
	ctx := context.Background()

	t.Run("decided in Postgres", func(t *testing.T) {
		st := newStore(t)
		seedConversations(t, st, workers*perWorker)
		createRun(t, st, "r1", false)
		workerRound(t, st, "r1", workers, perWorker, func(cache *signature.Cache, proposed, convID string) (signature.Resolution, error) {
			return st.CanonicalSignature(ctx, cache, proposed, "Publishing", "r1", convID)
		})
		assert.Equal(t, 1, count(t, st, `SELECT count(*) FROM signatures`), "one canonical signature")
		assert.Equal(t, 1, count(t, st, `SELECT count(DISTINCT issue_signature) FROM themes WHERE run_id = 'r1'`))
		assert.Equal(t, workers*perWorker, count(t, st, `SELECT count(*) FROM themes WHERE run_id = 'r1'`))
		assert.Equal(t, len(nearSpellings)-1, count(t, st, `
			SELECT count(*) FROM signature_aliases a JOIN signatures s ON s.signature = a.canonical`),
			"every other spelling is an alias of it")
		assert.Zero(t, count(t, st, `SELECT count(*) FROM signature_aliases WHERE alias IN (SELECT signature FROM signatures)`))
		assert.Equal(t, count(t, st, `SELECT count(*) FROM signatures`),
			count(t, st, `SELECT count(*) FROM extractions WHERE run_id = 'r1' AND minted`), "minted flags = signature rows")
		c, err := st.RunCounters(ctx, "r1")
		require.NoError(t, err)
		assert.Equal(t, 1, c.ThemesNew)
	})

	// The same scenario through the old path, where each worker's cache mints in memory, ends
	// with several canonical signatures (each worker mints the first spelling it meets, and no
	// spelling is among the first proposals of every worker): what the Postgres decision prevents.
	t.Run("decided in each worker's memory (the old path)", func(t *testing.T) {
		st := newStore(t)
		seedConversations(t, st, workers*perWorker)
		createRun(t, st, "r1", false)
		workerRound(t, st, "r1", workers, perWorker, func(cache *signature.Cache, proposed, convID string) (signature.Resolution, error) {
			return cache.Resolve(proposed, "Publishing", convID)
		})
		assert.Greater(t, count(t, st, `SELECT count(*) FROM signatures`), 1, "workers minted their own spellings")
	})
}

// TestMintCountedOnceAcrossACrash: a crash between ResolveSignature's commit and the save leaves
// the signature row without a theme; the retried item (resolved again, now as an existing
// signature) is the minted one, and a later theme of the run under it is not.
func TestMintCountedOnceAcrossACrash(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	seedConversations(t, st, 3)
	createRun(t, st, "r1", false)
	createRun(t, st, "r2", false)

	res, _, _, err := st.ResolveSignature(ctx, "linkedin_page_missing", "publishing", "r1")
	require.NoError(t, err)
	require.True(t, res.Minted)
	// The worker dies here. The retry, on a fresh cache, finds the signature in Postgres.
	seed, aliases, err := st.LoadSignatures(ctx)
	require.NoError(t, err)
	cache := signature.NewCache(seed, aliases, 100)
	again, err := st.CanonicalSignature(ctx, cache, "linkedin_page_missing", "publishing", "r1", "c01")
	require.NoError(t, err)
	assert.False(t, again.Minted, "the retry does not mint again")
	for _, id := range []string{"c01", "c02"} {
		require.NoError(t, st.SaveExtraction(ctx, extr("r1", id, store.OutcomeTheme, "linkedin_page_missing", true)))
	}
	require.NoError(t, st.SaveExtraction(ctx, extr("r2", "c03", store.OutcomeTheme, "linkedin_page_missing", true)))
	c, err := st.RunCounters(ctx, "r1")
	require.NoError(t, err)
	assert.Equal(t, 1, c.ThemesNew, "the run that created the signature counts it once")
	c, err = st.RunCounters(ctx, "r2")
	require.NoError(t, err)
	assert.Zero(t, c.ThemesNew, "a later run reusing it counts nothing")
}

// TestResolveSignatureAcrossAreas: a near-duplicate in another product area is a new signature,
// an exact spelling is reused whatever the area, and an alias is followed.
func TestResolveSignatureAcrossAreas(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	createRun(t, st, "r1", false)
	steps := []struct {
		proposed, area, want, wantArea string
		minted, alias                  bool
	}{
		{"pinterest_connection_failure", "Publishing", "pinterest_connection_failure", "publishing", true, false},
		{"pinterest_connection_failed", "publishing", "pinterest_connection_failure", "publishing", false, true},
		{"pinterest_connection_failed", "analytics", "pinterest_connection_failure", "publishing", false, true},
		{"pinterest_connection_failures", "analytics", "pinterest_connection_failures", "analytics", true, false},
		{"pinterest_connection_failure", "analytics", "pinterest_connection_failure", "publishing", false, false},
	}
	for _, s := range steps {
		res, found, _, err := st.ResolveSignature(ctx, s.proposed, s.area, "r1")
		require.NoError(t, err)
		assert.Equal(t, signature.Resolution{Canonical: s.want, ProductArea: s.wantArea, Minted: s.minted, Alias: s.alias,
			FirstRunID: "r1"}, res,
			"%s in %s", s.proposed, s.area)
		var names []string
		for _, f := range found {
			names = append(names, f.Signature)
		}
		assert.Contains(t, names, s.want, "what was decided is returned for the cache")
	}
}

// TestConcurrentSavesMintOnce: many themes of one run saved at once under a signature the run
// created are counted as minted exactly once.
func TestConcurrentSavesMintOnce(t *testing.T) {
	const n = 40
	st := newStore(t)
	ctx := context.Background()
	seedConversations(t, st, n)
	createRun(t, st, "r1", false)
	createRun(t, st, "dry", true)
	_, _, _, err := st.ResolveSignature(ctx, "linkedin_page_missing", "publishing", "r1")
	require.NoError(t, err)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		for _, run := range []string{"r1", "dry"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				e := extr(run, fmt.Sprintf("c%02d", i+1), store.OutcomeTheme, "linkedin_page_missing", run == "r1")
				e.Minted = run == "dry" // every dry-run worker's cache claims it; one counts
				<-start
				assert.NoError(t, st.SaveExtraction(ctx, e))
			}()
		}
	}
	close(start)
	wg.Wait()
	for _, run := range []string{"r1", "dry"} {
		assert.Equal(t, 1, count(t, st, `SELECT count(*) FROM extractions WHERE run_id = $1 AND minted`, run), run)
	}
}

// TestSignatureSightings: the run's stored themes as sightings, after a cursor, the other runs'
// left out; reading again from the returned cursor repeats at most the overlap, never misses.
func TestSignatureSightings(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	seedConversations(t, st, 4)
	createRun(t, st, "r1", false)
	createRun(t, st, "r2", false)
	require.NoError(t, st.SaveExtraction(ctx, extr("r1", "c01", store.OutcomeTheme, "linkedin_page_missing", true)))
	require.NoError(t, st.SaveExtraction(ctx, extr("r2", "c02", store.OutcomeTheme, "linkedin_page_missing", true)))
	require.NoError(t, st.SaveExtraction(ctx, extr("r1", "c03", store.OutcomeTheme, "csv_export_missing_columns", true)))
	got, cursor, err := st.SignatureSightings(ctx, "r1", 0)
	require.NoError(t, err)
	assert.Equal(t, []signature.Sighting{
		{Signature: "linkedin_page_missing", ProductArea: "publishing", Conversation: "c01"},
		{Signature: "csv_export_missing_columns", ProductArea: "publishing", Conversation: "c03"},
	}, got)
	require.NoError(t, st.SaveExtraction(ctx, extr("r1", "c04", store.OutcomeTheme, "linkedin_page_missing", true)))
	more, next, err := st.SignatureSightings(ctx, "r1", cursor)
	require.NoError(t, err)
	assert.Greater(t, next, cursor)
	assert.Contains(t, more, signature.Sighting{Signature: "linkedin_page_missing", ProductArea: "publishing", Conversation: "c04"})
}

// TestSignatureReadsCountAndSeen: LoadSignatures counts every theme of a signature (most used
// first); ResolveSignature counts up to store.ResolveCountCap; both read the first
// signature.EstablishedAfter distinct conversations in order, whatever order they were saved in.
func TestSignatureReadsCountAndSeen(t *testing.T) {
	big := store.ResolveCountCap + 10
	st := newStore(t)
	ctx := context.Background()
	seedConversations(t, st, big+5)
	createRun(t, st, "r1", false)
	for _, sig := range []string{"linkedin_page_missing", "pinterest_pin_rejected"} {
		_, _, _, err := st.ResolveSignature(ctx, sig, "publishing", "r1")
		require.NoError(t, err)
	}
	for i := big; i >= 1; i-- {
		require.NoError(t, st.SaveExtraction(ctx, extr("r1", fmt.Sprintf("c%02d", i), store.OutcomeTheme, "linkedin_page_missing", true)))
	}
	for _, id := range []string{fmt.Sprintf("c%02d", big+5), fmt.Sprintf("c%02d", big+2)} {
		require.NoError(t, st.SaveExtraction(ctx, extr("r1", id, store.OutcomeTheme, "pinterest_pin_rejected", true)))
	}
	byName := func(entries []signature.Entry) map[string]signature.Entry {
		out := map[string]signature.Entry{}
		for _, e := range entries {
			out[e.Signature] = e
		}
		return out
	}

	loaded, _, err := st.LoadSignatures(ctx)
	require.NoError(t, err)
	require.Len(t, loaded, 2)
	assert.Equal(t, "linkedin_page_missing", loaded[0].Signature, "most used first")
	assert.Equal(t, signature.Entry{Signature: "linkedin_page_missing", ProductArea: "publishing", Count: big,
		Seen: []string{"c01", "c02"}, FirstRunID: "r1"}, loaded[0])
	assert.Equal(t, signature.Entry{Signature: "pinterest_pin_rejected", ProductArea: "publishing", Count: 2,
		Seen: []string{fmt.Sprintf("c%02d", big+2), fmt.Sprintf("c%02d", big+5)}, FirstRunID: "r1"}, loaded[1])

	_, found, _, err := st.ResolveSignature(ctx, "youtube_upload_stalls", "publishing", "r1")
	require.NoError(t, err)
	read := byName(found)
	assert.Equal(t, store.ResolveCountCap, read["linkedin_page_missing"].Count, "counted up to the cap")
	assert.Equal(t, []string{"c01", "c02"}, read["linkedin_page_missing"].Seen)
	assert.Equal(t, 2, read["pinterest_pin_rejected"].Count)
	assert.Equal(t, loaded[1].Seen, read["pinterest_pin_rejected"].Seen)
	assert.Contains(t, read, "youtube_upload_stalls", "the minted signature is returned for the cache")
}

// TestThemesOfAnEarlierRunsSignatureAreNeverMinted: a run that mints a signature counts it once,
// with or without knowing it minted it (the save then takes the lock); a later run saving themes
// under it with the signature's first run known (no lock) counts nothing, and its themes are stored.
func TestThemesOfAnEarlierRunsSignatureAreNeverMinted(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	seedConversations(t, st, 6)
	createRun(t, st, "r1", false)
	createRun(t, st, "r2", false)
	res, _, _, err := st.ResolveSignature(ctx, "linkedin_page_missing", "publishing", "r1")
	require.NoError(t, err)
	require.Equal(t, "r1", res.FirstRunID, "the run that minted it")
	for i, id := range []string{"c01", "c02", "c03"} {
		e := extr("r1", id, store.OutcomeTheme, "linkedin_page_missing", true)
		if i > 0 {
			e.SignatureRun = "r1" // known as this run's own: the save still takes the lock
		}
		require.NoError(t, st.SaveExtraction(ctx, e))
	}
	again, _, _, err := st.ResolveSignature(ctx, "linkedin_page_missing", "publishing", "r2")
	require.NoError(t, err)
	require.Equal(t, "r1", again.FirstRunID, "a later run reads the first run")
	for _, id := range []string{"c04", "c05", "c06"} {
		e := extr("r2", id, store.OutcomeTheme, "linkedin_page_missing", true)
		e.SignatureRun = again.FirstRunID
		require.NoError(t, st.SaveExtraction(ctx, e))
	}
	for run, want := range map[string]int{"r1": 1, "r2": 0} {
		c, err := st.RunCounters(ctx, run)
		require.NoError(t, err)
		assert.Equal(t, want, c.ThemesNew, run)
		assert.Equal(t, 3, c.ThemesExtracted, run)
	}
	assert.Equal(t, 3, count(t, st, `SELECT count(*) FROM themes WHERE run_id = 'r2'`))
}
