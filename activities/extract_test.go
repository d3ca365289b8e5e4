package activities_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"feedbackpipe/activities"
	"feedbackpipe/conversation"
	"feedbackpipe/pipeline"
)

// sumOutcomes is themes + filtered + failed + not actionable: one outcome per item.
func sumOutcomes(c pipeline.Counters) int {
	return c.ThemesExtracted + c.ThemesFiltered + c.ExtractionFailed + c.NotActionable
}

func TestExtractBatchStoresOneOutcomePerConversationAndResumes(t *testing.T) {
	cases := []struct {
		name   string
		dryRun bool
	}{
		{"real run", false},
		{"dry run", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			ctx := context.Background()
			n := h.startRun("r1", tc.dryRun)
			require.Equal(t, len(fixture), n, "the whole fixture is in the window")

			batches := [][2]int{{0, 5}, {5, n}, {n, n + 50}} // the last range is past the selection
			first := make([]activities.BatchResult, len(batches))
			var total pipeline.Counters
			for i, b := range batches {
				first[i] = h.extract("r1", b[0], b[1], tc.dryRun, 4)
				res := first[i]
				assert.Equal(t, min(b[1], n)-min(b[0], n), res.Items, "batch %v", b)
				assert.Equal(t, res.Items, sumOutcomes(res.Counters), "batch %v: one outcome per item", b)
				total.Add(res.Counters)
			}
			assert.Equal(t, n, sumOutcomes(total))
			assert.Positive(t, total.ThemesExtracted, "the fixture yields themes")
			assert.Positive(t, total.NotActionable, "the thank you is not actionable")
			assert.Zero(t, total.ExtractionFailed)

			chats := h.model.Stats().ChatRequests
			assert.GreaterOrEqual(t, chats, int64(n), "one call at least per conversation")
			embeds := h.model.Stats().EmbeddingRequests
			assert.Equal(t, chats+embeds, int64(total.LLMCalls), "every chat and embeddings request is accounted for")
			if tc.dryRun {
				assert.Zero(t, embeds, "a dry run embeds nothing")
			} else {
				assert.Positive(t, embeds, "the batches embed their conversations ahead")
				assert.Equal(t, total.ThemesExtracted, total.EmbeddingsGenerated, "every theme is embedded by the end of its batch")
				assert.Equal(t, total.ThemesExtracted, count(t, h, `SELECT count(*) FROM embeddings`),
					"no vector is kept for a conversation that is not a theme")
			}

			// One row per conversation of the selection, none for anything else.
			assert.Equal(t, n, count(t, h, `SELECT count(*) FROM extractions WHERE run_id = 'r1'`))
			assert.Equal(t, n, count(t, h, `
				SELECT count(*) FROM extractions x JOIN run_conversations r
					ON r.run_id = x.run_id AND r.conversation_id = x.conversation_id WHERE x.run_id = 'r1'`))
			if tc.dryRun {
				assert.Zero(t, count(t, h, `SELECT count(*) FROM themes`), "a dry run writes no theme")
				assert.Zero(t, count(t, h, `SELECT count(*) FROM signatures`), "a dry run writes no signature")
			} else {
				assert.Equal(t, total.ThemesExtracted, count(t, h, `SELECT count(*) FROM themes WHERE run_id = 'r1'`))
				assert.Equal(t, total.ThemesNew, count(t, h, `SELECT count(*) FROM signatures WHERE first_run_id = 'r1'`))
			}

			// Run again, every batch is already done: no LLM call, the same accounts.
			for i, b := range batches {
				again := h.extract("r1", b[0], b[1], tc.dryRun, 4)
				assert.Equal(t, first[i], again, "batch %v again", b)
			}
			assert.Equal(t, chats, h.model.Stats().ChatRequests, "a finished batch makes no LLM call")
			assert.Equal(t, n, count(t, h, `SELECT count(*) FROM extractions WHERE run_id = 'r1'`))

			// Not even through the content cache: a worker configured with another chat model (so
			// no cached theme applies) and an API that fails any call still finds nothing to do.
			tripwire := newTripwire(t, h)
			for i, b := range batches {
				env := h.suite.NewTestActivityEnvironment()
				env.RegisterActivity(tripwire.acts)
				val, err := env.ExecuteActivity(tripwire.acts.ExtractBatch, activities.ExtractBatchInput{
					RunID: "r1", From: b[0], To: b[1], DryRun: tc.dryRun, Concurrency: 4})
				require.NoError(t, err, "batch %v on the tripwire worker", b)
				var again activities.BatchResult
				require.NoError(t, val.Get(&again))
				assert.Equal(t, first[i], again, "batch %v on the tripwire worker", b)
			}
			assert.Zero(t, tripwire.requests.Load(), "a finished item is never extracted again")

			runTotal, err := h.st.RunCounters(ctx, "r1")
			require.NoError(t, err)
			total.ConversationsSelected = n
			assert.Equal(t, total, runTotal, "the batches' accounts add up to the run's")
		})
	}
}

// A batch resumed after some of its items were stored extracts only the others.
func TestExtractBatchResumesWhereItStopped(t *testing.T) {
	h := newHarness(t)
	n := h.startRun("r1", false)
	h.extract("r1", 0, 3, false, 2)
	before := h.model.Stats()
	doneBefore := h.outcomes("r1")
	require.Len(t, doneBefore, 3)

	res := h.extract("r1", 0, n, false, 2)
	assert.Equal(t, n, res.Items)
	assert.Equal(t, n, sumOutcomes(res.Counters))
	after := h.model.Stats()
	calls := after.ChatRequests - before.ChatRequests
	assert.GreaterOrEqual(t, calls, int64(n-3), "the remaining items are extracted")
	assert.Equal(t, calls+after.EmbeddingRequests-before.EmbeddingRequests,
		int64(res.Counters.LLMCalls)-int64(countLLM(t, h, "r1", 0, 3)),
		"no call is repeated for the three stored items")
	outcomes := h.outcomes("r1")
	for id, o := range doneBefore {
		assert.Equal(t, o, outcomes[id], "stored outcome of %s kept", id)
	}
}

func TestContentCacheAcrossRuns(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	n := h.startRun("r1", false)
	h.extract("r1", 0, n, false, 4)
	chats := h.model.Stats().ChatRequests
	first := h.outcomes("r1")

	require.Equal(t, n, h.startRun("r2", false))
	res := h.extract("r2", 0, n, false, 4)
	assert.Equal(t, chats, h.model.Stats().ChatRequests, "the second run makes no chat call")
	assert.Equal(t, n, sumOutcomes(res.Counters))
	assert.Zero(t, res.Counters.LLMCalls)
	assert.Zero(t, res.Counters.ThemesNew, "every signature existed before the second run")
	assert.Equal(t, n, count(t, h, `SELECT count(*) FROM extractions WHERE run_id = 'r2' AND cached AND llm_calls = 0`))
	second := h.outcomes("r2")
	for id, o := range first {
		assert.Equal(t, o, second[id], "outcome and signature of %s", id)
	}
	assert.Equal(t, count(t, h, `SELECT count(*) FROM themes WHERE run_id = 'r1'`), count(t, h, `SELECT count(*) FROM themes WHERE run_id = 'r2'`))

	t.Run("changed content is extracted again", func(t *testing.T) {
		convs := fixtureConversations()
		changed := convs[0]
		changed.Messages[0].Text += " It started after the last update."
		_, err := h.st.UpsertConversations(ctx, []conversation.Conversation{changed})
		require.NoError(t, err)
		require.Equal(t, n, h.startRun("r3", false))
		res := h.extract("r3", 0, n, false, 4)
		assert.Equal(t, n, sumOutcomes(res.Counters))
		assert.Greater(t, h.model.Stats().ChatRequests, chats)
		assert.Equal(t, []string{changed.ID}, queryStrings(t, h, `SELECT conversation_id FROM extractions WHERE run_id = 'r3' AND NOT cached`))
	})
}

func count(t *testing.T, h *harness, query string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, h.st.Pool().QueryRow(context.Background(), query, args...).Scan(&n), query)
	return n
}

func queryStrings(t *testing.T, h *harness, query string, args ...any) []string {
	t.Helper()
	rows, err := h.st.Pool().Query(context.Background(), query, args...)
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		out = append(out, s)
	}
	require.NoError(t, rows.Err())
	return out
}

// countLLM sums the LLM calls stored for the items [from, to) of the run's selection.
func countLLM(t *testing.T, h *harness, runID string, from, to int) int {
	return count(t, h, `
		SELECT coalesce(sum(x.llm_calls), 0) FROM extractions x JOIN run_conversations r
			ON r.run_id = x.run_id AND r.conversation_id = x.conversation_id
		WHERE x.run_id = $1 AND r.seq >= $2 AND r.seq < $3`, runID, from, to)
}
