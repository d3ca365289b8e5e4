package activities_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"feedbackpipe/activities"
	"feedbackpipe/conversation"
	"feedbackpipe/llm"
	"feedbackpipe/localmodel"
	"feedbackpipe/testenv"
)

// faulty is a worker whose LLM API is a local model of its own, on which a test injects input
// faults; its client gives up after two attempts so an outage outlasts the call's retries fast.
type faulty struct {
	h     *harness
	model *localmodel.Server
	acts  *activities.Activities
}

func newFaulty(t *testing.T, h *harness, cfg activities.Config) *faulty {
	t.Helper()
	logger := testenv.Logger(t)
	model := localmodel.New(localmodel.Config{}, logger)
	baseURL, stop, err := model.Start("127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = stop(context.Background()) })
	client := llm.New(llm.Config{BaseURL: baseURL, APIKey: "local", ChatModel: "faulty-chat-model",
		EmbeddingModel: "faulty-embedding-model", MaxAttempts: 2, CallTimeout: 10 * time.Second}, logger)
	return &faulty{h: h, model: model, acts: activities.New(h.st, client, cfg, logger)}
}

// extract runs one batch over the whole selection.
func (f *faulty) extract(runID string, n int) activities.BatchResult {
	f.h.t.Helper()
	env := f.h.suite.NewTestActivityEnvironment()
	env.RegisterActivity(f.acts)
	val, err := env.ExecuteActivity(f.acts.ExtractBatch, activities.ExtractBatchInput{RunID: runID, From: 0, To: n, Concurrency: 4})
	require.NoError(f.h.t, err)
	var res activities.BatchResult
	require.NoError(f.h.t, val.Get(&res))
	return res
}

func (f *faulty) retry(runID string) activities.BatchResult {
	f.h.t.Helper()
	env := f.h.suite.NewTestActivityEnvironment()
	env.RegisterActivity(f.acts)
	val, err := env.ExecuteActivity(f.acts.RetryFailedExtractions, activities.RetryFailedInput{RunID: runID, Concurrency: 4})
	require.NoError(f.h.t, err)
	var res activities.BatchResult
	require.NoError(f.h.t, val.Get(&res))
	return res
}

func (f *faulty) embed(runID string) activities.PhaseResult {
	f.h.t.Helper()
	env := f.h.suite.NewTestActivityEnvironment()
	env.RegisterActivity(f.acts)
	val, err := env.ExecuteActivity(f.acts.EmbedThemes, activities.EmbedInput{RunID: runID})
	require.NoError(f.h.t, err)
	var res activities.PhaseResult
	require.NoError(f.h.t, val.Get(&res))
	return res
}

// addConversations adds product issues in the fixture's window, each holding its marker.
func addConversations(t *testing.T, h *harness, byID map[string]string) {
	t.Helper()
	var convs []conversation.Conversation
	i := 0
	for id, text := range byID {
		at := windowStart.Add(20*time.Hour + time.Duration(i)*time.Minute)
		convs = append(convs, conversation.Conversation{ID: id, CreatedAt: at, Subject: "Upload problem",
			Messages: []conversation.Message{{Author: conversation.Customer, Text: text, CreatedAt: at}}})
		i++
	}
	_, err := h.st.UpsertConversations(context.Background(), convs)
	require.NoError(t, err)
}

// detail returns the stored outcome and detail of one item.
func detail(t *testing.T, h *harness, runID, id string) (outcome, why string) {
	t.Helper()
	require.NoError(t, h.st.Pool().QueryRow(context.Background(),
		`SELECT outcome, detail FROM extractions WHERE run_id = $1 AND conversation_id = $2`, runID, id).Scan(&outcome, &why))
	return outcome, why
}
