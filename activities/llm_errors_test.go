package activities_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"feedbackpipe/activities"
	"feedbackpipe/conversation"
	"feedbackpipe/llm"
	"feedbackpipe/localmodel"
	"feedbackpipe/testenv"
)

// A rejected API key fails the phase at once with a non-retryable error that says what to fix,
// and stores nothing for the items it could not extract, so a run with a fixed key redoes them.
func TestPermanentLLMErrorIsNonRetryable(t *testing.T) {
	cases := []struct {
		name  string
		phase func(h *harness, bad *activities.Activities) error
		// stored is what the failed phase must not have stored.
		stored string
	}{
		{"extraction", func(h *harness, bad *activities.Activities) error {
			env := h.suite.NewTestActivityEnvironment()
			env.RegisterActivity(bad)
			_, err := env.ExecuteActivity(bad.ExtractBatch, activities.ExtractBatchInput{RunID: "r1", From: 0, To: len(fixture), Concurrency: 1})
			return err
		}, `SELECT count(*) FROM extractions WHERE run_id = 'r1'`},
		{"embedding", func(h *harness, bad *activities.Activities) error {
			h.extract("r1", 0, len(fixture), false, 4) // with the working model
			env := h.suite.NewTestActivityEnvironment()
			env.RegisterActivity(bad)
			_, err := env.ExecuteActivity(bad.EmbedThemes, activities.EmbedInput{RunID: "r1"})
			return err
		}, `SELECT count(*) + (SELECT count(*) FROM embedding_failures) FROM embeddings`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarnessWith(t, phaseOnly()) // the embedding phase has every theme to embed
			tw := newTripwire(t, h)
			bad, requests := tw.acts, &tw.requests
			require.Equal(t, len(fixture), h.startRun("r1", false))

			err := tc.phase(h, bad)
			require.Error(t, err)
			var appErr *temporal.ApplicationError
			require.True(t, errors.As(err, &appErr), "want *temporal.ApplicationError, got %T: %v", err, err)
			assert.Equal(t, activities.ErrTypeLLMConfig, appErr.Type())
			assert.True(t, appErr.NonRetryable(), "a bad key is not retried")
			assert.Contains(t, appErr.Error(), "OPENAI_API_KEY")
			assert.Contains(t, appErr.Error(), "401")
			assert.Equal(t, int64(1), requests.Load(), "a permanent error is not retried and stops the batch")
			assert.Zero(t, count(t, h, tc.stored), "nothing is stored for items the phase could not do")
		})
	}
}

// tripwire is a worker whose LLM API answers every request 401 and counts them; its chat model
// differs from the harness's, so no theme cached by the harness's runs applies to it.
type tripwire struct {
	acts     *activities.Activities
	requests atomic.Int64
}

func newTripwire(t *testing.T, h *harness) *tripwire {
	tw := &tripwire{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tw.requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}`))
	}))
	t.Cleanup(srv.Close)
	logger := testenv.Logger(t)
	client := llm.New(llm.Config{BaseURL: srv.URL + "/v1", APIKey: "wrong", ChatModel: "tripwire-chat-model",
		EmbeddingModel: "tripwire-embedding-model"}, logger)
	tw.acts = activities.New(h.st, client, phaseOnly(), logger) // one request per call it makes
	return tw
}

// poisoned is a product issue the tests have the API refuse.
const poisoned = "Our customers stopped getting the appointment reminder emails POISON two days ago."

// A conversation the API refuses (400 context_length_exceeded) fails alone with its reason code;
// the run's other conversations are extracted, and the activity succeeds.
func TestRefusedConversationFailsAlone(t *testing.T) {
	h := newHarness(t)
	addConversations(t, h, map[string]string{"poison-1": poisoned})
	f := newFaulty(t, h, phaseOnly())
	f.model.InjectForInputs(localmodel.InputFault{Marker: "POISON", Kind: localmodel.FaultContextLength})
	n := h.startRun("r1", false)
	require.Equal(t, len(fixture)+1, n)

	res := f.extract("r1", n)
	assert.Equal(t, n, sumOutcomes(res.Counters), "every item has its outcome")
	assert.Equal(t, 1, res.Counters.ExtractionFailed)
	assert.Positive(t, res.Counters.ThemesExtracted)
	outcome, why := detail(t, h, "r1", "poison-1")
	assert.Equal(t, "failed", outcome)
	assert.Equal(t, "refused: context_length_exceeded", why, "a short reason code, no text")
	require.Len(t, res.Errors, 1)
	assert.Equal(t, "poison-1", res.Errors[0].ID)
	assert.Equal(t, why, res.Errors[0].Error)

	// Refused for its own reason: the end-of-phase retry leaves it alone.
	chats := f.model.Stats().ChatRequests
	again := f.retry("r1")
	assert.Zero(t, again.Items)
	assert.Equal(t, chats, f.model.Stats().ChatRequests, "no call for a refused item")
}

// A wrong configuration still fails the phase at once, naming the variable to fix.
func TestWrongConfigurationFailsFast(t *testing.T) {
	cases := []struct {
		name, fix string
		status    int
		payload   string
	}{
		{"rejected key", "OPENAI_API_KEY", http.StatusUnauthorized,
			`{"error":{"message":"Incorrect API key provided: sk-abc***xyz.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`},
		{"unknown model", "LLM_MODEL", http.StatusNotFound,
			`{"error":{"message":"The model 'gpt-9' does not exist or you do not have access to it.","type":"invalid_request_error","param":null,"code":"model_not_found"}}`},
		{"unknown model as a 400", "LLM_MODEL", http.StatusBadRequest,
			`{"error":{"message":"The model 'gpt-9' does not exist.","type":"invalid_request_error","param":"model","code":"model_not_found"}}`},
		{"no JSON-schema output", "LLM_MODEL", http.StatusBadRequest,
			`{"error":{"message":"Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.","type":"invalid_request_error","param":"response_format","code":null}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			var requests atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				requests.Add(1)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.payload))
			}))
			t.Cleanup(srv.Close)
			logger := testenv.Logger(t)
			client := llm.New(llm.Config{BaseURL: srv.URL + "/v1", APIKey: "wrong", ChatModel: "gpt-9"}, logger)
			bad := activities.New(h.st, client, phaseOnly(), logger)
			n := h.startRun("r1", false)

			env := h.suite.NewTestActivityEnvironment()
			env.RegisterActivity(bad)
			_, err := env.ExecuteActivity(bad.ExtractBatch, activities.ExtractBatchInput{RunID: "r1", From: 0, To: n, Concurrency: 1})
			var appErr *temporal.ApplicationError
			require.True(t, errors.As(err, &appErr), "want *temporal.ApplicationError, got %T: %v", err, err)
			assert.Equal(t, activities.ErrTypeLLMConfig, appErr.Type())
			assert.True(t, appErr.NonRetryable())
			assert.Contains(t, appErr.Error(), tc.fix)
			assert.NotContains(t, appErr.Error(), "abc***xyz", "the key is not repeated")
			assert.Equal(t, int64(1), requests.Load())
			assert.Zero(t, count(t, h, `SELECT count(*) FROM extractions WHERE run_id = 'r1'`))
		})
	}
}

// An embeddings request refused because of one input is split until that input is alone: every
// other theme gets its vector, and the refused one counts in embeddings_failed with its reason.
func TestRefusedEmbeddingInputFailsAlone(t *testing.T) {
	h := newHarness(t)
	addConversations(t, h, map[string]string{"poison-1": poisoned})
	f := newFaulty(t, h, phaseOnly())
	n := h.startRun("r1", false)
	ext := f.extract("r1", n)
	themes := ext.Counters.ThemesExtracted
	require.Equal(t, 1, count(t, h, `SELECT count(*) FROM themes WHERE run_id = 'r1' AND conversation_id = 'poison-1'`))
	require.Greater(t, themes, 4)

	f.model.InjectForInputs(localmodel.InputFault{Marker: "POISON", Kind: localmodel.FaultContextLength})
	res := f.embed("r1")
	assert.Equal(t, 1, res.Counters.EmbeddingsFailed)
	assert.Equal(t, themes-1, res.Counters.EmbeddingsGenerated, "every other theme is embedded")
	assert.Equal(t, []string{"refused: context_length_exceeded"},
		queryStrings(t, h, `SELECT error FROM embedding_failures WHERE run_id = 'r1' AND conversation_id = 'poison-1'`))
	assert.Zero(t, count(t, h, `SELECT count(*) FROM embeddings WHERE conversation_id = 'poison-1'`))
	assert.Greater(t, f.model.Stats().EmbeddingRequests, int64(2), "the refused request was split")
	assert.Equal(t, int64(res.Counters.LLMCalls-ext.Counters.LLMCalls), f.model.Stats().EmbeddingRequests,
		"every request of the bisection is counted")
}

// A theme whose conversation has no customer text (its digest is empty) is never sent to the
// embeddings API: it counts in embeddings_failed as empty_digest.
func TestEmptyDigestIsNotEmbedded(t *testing.T) {
	h := newHarness(t)
	f := newFaulty(t, h, phaseOnly())
	n := h.startRun("r1", false)
	themes := f.extract("r1", n).Counters.ThemesExtracted
	// The conversation is edited after its extraction: only support is left.
	at := windowStart
	_, err := h.st.UpsertConversations(context.Background(), []conversation.Conversation{{ID: "reminder-1", CreatedAt: at,
		Subject: "Reminder emails not sent", Messages: []conversation.Message{{Author: conversation.Support, Text: "We fixed the upload.", CreatedAt: at}}}})
	require.NoError(t, err)
	require.Equal(t, 1, count(t, h, `SELECT count(*) FROM themes WHERE run_id = 'r1' AND conversation_id = 'reminder-1'`))

	res := f.embed("r1")
	assert.Equal(t, 1, res.Counters.EmbeddingsFailed)
	assert.Equal(t, themes-1, res.Counters.EmbeddingsGenerated)
	assert.Equal(t, []string{activities.ReasonEmptyDigest},
		queryStrings(t, h, `SELECT error FROM embedding_failures WHERE run_id = 'r1' AND conversation_id = 'reminder-1'`))
	assert.Equal(t, int64(themes-1), f.model.Stats().EmbeddingInputs, "the empty digest was not sent")
}
