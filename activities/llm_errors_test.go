package activities_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"feedbackpipe/activities"
	"feedbackpipe/llm"
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
			h := newHarness(t)
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
	tw.acts = activities.New(h.st, client, activities.DefaultConfig(), logger)
	return tw
}
