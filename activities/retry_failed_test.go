package activities_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"feedbackpipe/llm"
	"feedbackpipe/localmodel"
	"feedbackpipe/store"
)

// outageConversations are product issues the tests cut off by an outage, and one the API refuses.
var outageConversations = map[string]string{
	"outage-1": "Appointment reminder emails are not sent to my clients OUTAGE since Monday.",
	"outage-2": "The heating schedule on my thermostat resets to the default every night OUTAGE.",
	"poison-1": poisoned,
}

// Items whose calls failed through a provider outage (503 on every attempt) are extracted again
// at the end of the phase once the provider is back, and become themes; the item refused for its
// own reason stays failed with that reason. Every call, failed or not, stays counted once.
func TestRetryFailedExtractionsRecoversAnOutage(t *testing.T) {
	h := newHarness(t)
	addConversations(t, h, outageConversations)
	f := newFaulty(t, h, phaseOnly())
	poison := localmodel.InputFault{Marker: "POISON", Kind: localmodel.FaultContextLength}
	f.model.InjectForInputs(localmodel.InputFault{Marker: "OUTAGE", Kind: localmodel.FaultUnavailable}, poison)
	n := h.startRun("r1", false)

	first := f.extract("r1", n)
	assert.Equal(t, 3, first.Counters.ExtractionFailed)
	for _, id := range []string{"outage-1", "outage-2"} {
		outcome, why := detail(t, h, "r1", id)
		assert.Equal(t, "failed", outcome, id)
		assert.Equal(t, "transient: http_503", why, id)
	}

	f.model.InjectForInputs(poison) // the outage is over
	res := f.retry("r1")
	assert.Equal(t, 2, res.Items, "only the transient failures are retried")
	assert.Equal(t, 2, res.Counters.ThemesExtracted)
	assert.Zero(t, res.Counters.ExtractionFailed)
	assert.Empty(t, res.Errors)
	for _, id := range []string{"outage-1", "outage-2"} {
		outcome, _ := detail(t, h, "r1", id)
		assert.Equal(t, "theme", outcome, id)
		assert.Equal(t, 1, count(t, h, `SELECT count(*) FROM themes WHERE run_id = 'r1' AND conversation_id = $1`, id))
	}
	outcome, why := detail(t, h, "r1", "poison-1")
	assert.Equal(t, "failed", outcome)
	assert.Equal(t, "refused: context_length_exceeded", why)

	total, err := h.st.RunCounters(context.Background(), "r1")
	require.NoError(t, err)
	assert.Equal(t, 1, total.ExtractionFailed)
	assert.Equal(t, n, total.ThemesExtracted+total.ThemesFiltered+total.ExtractionFailed+total.NotActionable)
	assert.Equal(t, f.model.Stats().ChatRequests, int64(total.LLMCalls), "the failed attempts stay counted, once")

	chats := f.model.Stats().ChatRequests
	again := f.retry("r1")
	assert.Zero(t, again.Items, "nothing left to retry")
	assert.Equal(t, chats, f.model.Stats().ChatRequests)
}

// An outage that outlasts the second pass leaves the items failed, marked retried, and they are
// not retried again: the second pass is bounded.
func TestRetryFailedExtractionsIsOnce(t *testing.T) {
	h := newHarness(t)
	addConversations(t, h, map[string]string{"outage-1": outageConversations["outage-1"]})
	f := newFaulty(t, h, phaseOnly())
	f.model.InjectForInputs(localmodel.InputFault{Marker: "OUTAGE", Kind: localmodel.FaultUnavailable})
	n := h.startRun("r1", false)
	f.extract("r1", n)

	res := f.retry("r1")
	assert.Equal(t, 1, res.Items)
	assert.Equal(t, 1, res.Counters.ExtractionFailed)
	outcome, why := detail(t, h, "r1", "outage-1")
	assert.Equal(t, "failed", outcome)
	assert.Equal(t, "transient: http_503 (retried)", why)

	chats := f.model.Stats().ChatRequests
	assert.Zero(t, f.retry("r1").Items)
	assert.Equal(t, chats, f.model.Stats().ChatRequests)
	total, err := h.st.RunCounters(context.Background(), "r1")
	require.NoError(t, err)
	assert.Equal(t, chats, int64(total.LLMCalls))
}

// Embedding inputs whose request failed through an outage are embedded again after the other
// batches; only what fails again is stored as failed.
func TestEmbedRetriesTransientFailures(t *testing.T) {
	cases := []struct {
		name  string
		times int // requests the outage answers 503; 0: all
	}{
		{"the outage ends", 2},
		{"the outage lasts", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			addConversations(t, h, map[string]string{"outage-1": outageConversations["outage-1"]})
			f := newFaulty(t, h, phaseOnly())
			n := h.startRun("r1", false)
			themes := f.extract("r1", n).Counters.ThemesExtracted
			require.Equal(t, 1, count(t, h, `SELECT count(*) FROM themes WHERE run_id = 'r1' AND conversation_id = 'outage-1'`))

			// Every theme goes in one request, which holds outage-1: the outage fails it whole.
			f.model.InjectForInputs(localmodel.InputFault{Marker: "OUTAGE", Kind: localmodel.FaultUnavailable, Times: tc.times})
			res := f.embed("r1")
			if tc.times > 0 {
				assert.Zero(t, res.Counters.EmbeddingsFailed)
				assert.Equal(t, themes, res.Counters.EmbeddingsGenerated)
				assert.Equal(t, int64(3), f.model.Stats().EmbeddingRequests, "two failed attempts, then the second pass")
				return
			}
			assert.Equal(t, themes, res.Counters.EmbeddingsFailed)
			assert.Zero(t, res.Counters.EmbeddingsGenerated)
			assert.Equal(t, int64(4), f.model.Stats().EmbeddingRequests, "two attempts in each pass, no more")
			assert.Equal(t, []string{"transient: http_503 (retried)"},
				queryStrings(t, h, `SELECT DISTINCT error FROM embedding_failures WHERE run_id = 'r1'`))
		})
	}
}

// The reason the LLM client gives a transient failure is what the store selects for the retry.
func TestTransientReasonIsWhatTheStoreRetries(t *testing.T) {
	assert.Equal(t, llm.ReasonTransient, store.TransientPrefix)
	assert.True(t, llm.IsTransient(llm.ReasonTransient+"http_503"+store.RetriedSuffix))
}
