package activities_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"feedbackpipe/activities"
	"feedbackpipe/conversation"
	"feedbackpipe/extraction"
	"feedbackpipe/llm"
	"feedbackpipe/pipeline"
	"feedbackpipe/store"
	"feedbackpipe/testenv"
)

// spellings are eight issues, each proposed under several near-identical spellings, as parallel
// extractions of differently phrased conversations do.
var spellings = [][]string{
	{"pinterest_connection_failure", "pinterest_connection_issue", "pinterest_connection_failures", "pinterest_connection_failed"},
	{"multi_network_scheduling_failure", "multinetwork_scheduling_failure", "multi_network_scheduling_fails", "multi_network_scheduling_failed"},
	{"csv_export_missing_columns", "csv_export_missing_column", "csv_export_columns_missing", "csv_exports_missing_columns"},
	{"pdf_export_timeout", "pdf_export_timeouts", "pdf_export_timed_out", "pdf_exports_timeout"},
	{"ios_video_attach_crash", "ios_video_attach_crashes", "ios_video_attach_crashing", "ios_video_attach_crashed"},
	{"approval_email_missing", "approval_emails_missing", "approval_email_lost", "approval_emails_lost"},
	{"short_link_404_after_domain", "short_links_404_after_domain", "short_link_404_after_domains", "short_links_404_after_domains"},
	{"dark_mode_request", "dark_mode_requests", "dark_modes_request", "darkmode_request"},
}

var areas = []string{"publishing", "scheduling", "analytics", "analytics", "mobile", "approvals", "links", "ui"}

// fakeExtractor answers each extraction with the spelling assigned to its conversation (read from
// its message, "issue I, told the V-th way": the prompt carries no conversation ID), after a
// random pause so that the calls overlap and finish in any order.
func fakeExtractor(t *testing.T) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req struct {
			Messages []struct{ Content string } `json:"messages"`
		}
		if err := json.Unmarshal(body, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if len(req.Messages) == 0 { // the batches' embedding requests: this model only extracts
			http.Error(w, "this fake model answers chat completions only", http.StatusNotFound)
			return
		}
		var issue, variant int
		p := extraction.ParseUserPrompt(req.Messages[len(req.Messages)-1].Content)
		if len(p.Messages) != 1 {
			http.Error(w, "want one message", http.StatusBadRequest)
			return
		}
		if _, err := fmt.Sscanf(p.Messages[0].Text, "issue %d, told the %d-th way", &issue, &variant); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		time.Sleep(time.Duration(rand.IntN(30)) * time.Millisecond)
		th := extraction.Theme{
			ConversationType: extraction.TypeProductIssue, ProductArea: areas[issue], Component: "component",
			IssueSignature: spellings[issue][variant%len(spellings[issue])], MatchConfidence: "medium",
			UserIntent: "Fix it", Symptoms: []string{"broken", "again"}, AffectedFlow: "flow",
			RootCauseHypothesis: "unknown", DiagnosticSummary: "summary", KeyExcerpts: []string{"it broke"},
			ActionType: "bug_report", Direction: "deficit", ResolutionAction: "no_resolution", ResolutionCategory: "unresolved",
		}
		content, _ := json.Marshal(th)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": "x", "object": "chat.completion", "model": "fake",
			"choices": []map[string]any{{"index": 0, "message": map[string]any{"role": "assistant", "content": string(content)}, "finish_reason": "stop"}},
			"usage":   map[string]any{"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
		})
	}))
}

// convergeSetup stores the 64 conversations (8 issues, 8 each, told 4 ways) and starts run
// "stress" over them. It returns the store and the fake model's client.
func convergeSetup(t *testing.T) (*store.Store, *llm.Client, *testsuite.WorkflowTestSuite) {
	t.Helper()
	url := testenv.Database(t)
	_, err := store.Migrate(url)
	require.NoError(t, err)
	st, err := store.Open(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(st.Close)
	srv := fakeExtractor(t)
	t.Cleanup(srv.Close)
	logger := testenv.Logger(t)
	client := llm.New(llm.Config{BaseURL: srv.URL + "/v1", APIKey: "k", ChatModel: "fake", EmbeddingModel: "fake-embed"}, logger)

	var convs []conversation.Conversation
	for issue := range spellings {
		for v := range 8 {
			// Selected in the order variant 0 of every issue, variant 1 of every issue, ...: any
			// range of the run holds several issues, each under several spellings.
			at := windowStart.Add(time.Duration(v*len(spellings)+issue) * time.Minute)
			convs = append(convs, conversation.Conversation{
				ID: fmt.Sprintf("conv-%d-%d", issue, v), CreatedAt: at, Subject: "s",
				Messages: []conversation.Message{{Author: conversation.Customer, Text: fmt.Sprintf("issue %d, told the %d-th way", issue, v), CreatedAt: at}},
			})
		}
	}
	_, err = st.UpsertConversations(context.Background(), convs)
	require.NoError(t, err)

	suite := &testsuite.WorkflowTestSuite{}
	suite.SetLogger(tlog.NewStructuredLogger(logger))
	acts := activities.New(st, client, activities.DefaultConfig(), logger)
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(acts)
	since, until := windowStart, windowStart.Add(24*time.Hour)
	_, err = env.ExecuteActivity(acts.StartRun, activities.StartRunInput{
		RunID: "stress", Input: pipeline.RunInput{Since: &since, Until: &until, Concurrency: 64},
		WindowSince: since, WindowUntil: until, StartedAt: time.Now().UTC(),
	})
	require.NoError(t, err)
	return st, client, suite
}

// extractOn runs one ExtractBatch of run "stress" on the worker acts.
func extractOn(suite *testsuite.WorkflowTestSuite, acts *activities.Activities, from, to int) (activities.BatchResult, error) {
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(acts)
	var res activities.BatchResult
	val, err := env.ExecuteActivity(acts.ExtractBatch, activities.ExtractBatchInput{RunID: "stress", From: from, To: to, Concurrency: 64})
	if err == nil {
		err = val.Get(&res)
	}
	return res, err
}

// requireConverged checks that each issue of run "stress" has exactly one canonical signature in
// Postgres, the other spellings stored as its aliases, and returns the number of signatures.
func requireConverged(t *testing.T, st *store.Store) int {
	t.Helper()
	rows, err := st.Pool().Query(context.Background(), `
		SELECT split_part(t.conversation_id, '-', 2), count(DISTINCT t.issue_signature), min(t.issue_signature)
		FROM themes t WHERE t.run_id = 'stress' GROUP BY 1 ORDER BY 1`)
	require.NoError(t, err)
	defer rows.Close() // a failed assertion must not leave the connection busy: the pool closes at cleanup
	canonical := map[string]bool{}
	for rows.Next() {
		var issue, sig string
		var n int
		require.NoError(t, rows.Scan(&issue, &n, &sig))
		require.Equal(t, 1, n, "issue %s has %d canonical signatures", issue, n)
		require.False(t, canonical[sig], "signature %s is canonical for two issues", sig)
		canonical[sig] = true
	}
	require.NoError(t, rows.Err())
	require.Len(t, canonical, len(spellings))
	var sigs, aliases int
	require.NoError(t, st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM signatures`).Scan(&sigs))
	require.NoError(t, st.Pool().QueryRow(context.Background(), `
		SELECT count(*) FROM signature_aliases a JOIN signatures s ON s.signature = a.canonical`).Scan(&aliases))
	require.Equal(t, len(spellings), sigs, "exactly one canonical row per issue")
	require.Positive(t, aliases, "the other spellings are stored as aliases")
	var stray int
	require.NoError(t, st.Pool().QueryRow(context.Background(), `
		SELECT count(*) FROM signature_aliases a WHERE a.alias IN (SELECT signature FROM signatures)`).Scan(&stray))
	require.Zero(t, stray, "no spelling is both canonical and an alias")
	return sigs
}

// TestConcurrentExtractionsConvergeOnOneSignaturePerIssue runs 64 extractions at once (8 issues,
// 8 conversations each, proposed under 4 spellings) through ExtractBatch: each issue ends with
// exactly one canonical signature in Postgres and the other spellings as its aliases. Run with -race.
func TestConcurrentExtractionsConvergeOnOneSignaturePerIssue(t *testing.T) {
	st, client, suite := convergeSetup(t)
	acts := activities.New(st, client, activities.DefaultConfig(), testenv.Logger(t))
	res, err := extractOn(suite, acts, 0, 64)
	require.NoError(t, err)
	require.Equal(t, 64, res.Counters.ThemesExtracted, "every conversation becomes a theme")
	require.Equal(t, len(spellings), res.Counters.ThemesNew, "one signature minted per issue")
	requireConverged(t, st)
}

// TestTwoWorkersConvergeLikeOne: two workers (two Activities, each with its own signature caches,
// sharing one database) extract the batches of one run at the same time. Minting is decided in
// Postgres, so they end with no more canonical signatures than one worker does (one per issue),
// and themes_new counts each exactly once.
func TestTwoWorkersConvergeLikeOne(t *testing.T) {
	one := func() int {
		st, client, suite := convergeSetup(t)
		acts := activities.New(st, client, activities.DefaultConfig(), testenv.Logger(t))
		var themesNew int
		for _, b := range [][2]int{{0, 16}, {16, 32}, {32, 48}, {48, 64}} {
			res, err := extractOn(suite, acts, b[0], b[1])
			require.NoError(t, err)
			themesNew += res.Counters.ThemesNew
		}
		sigs := requireConverged(t, st)
		require.Equal(t, sigs, themesNew, "themes_new counts each signature once")
		return sigs
	}()

	st, client, suite := convergeSetup(t)
	workers := []*activities.Activities{
		activities.New(st, client, activities.DefaultConfig(), testenv.Logger(t)),
		activities.New(st, client, activities.DefaultConfig(), testenv.Logger(t)),
	}
	// Each worker takes every other batch; the batches interleave the issues, so both workers
	// propose spellings of every issue at the same time.
	var wg sync.WaitGroup
	results := make([]activities.BatchResult, 4)
	errs := make([]error, 4)
	for i, b := range [][2]int{{0, 16}, {16, 32}, {32, 48}, {48, 64}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = extractOn(suite, workers[i%2], b[0], b[1])
		}()
	}
	wg.Wait()
	var themesNew, themes int
	for i, r := range results {
		require.NoError(t, errs[i], "batch %d", i)
		themesNew += r.Counters.ThemesNew
		themes += r.Counters.ThemesExtracted
	}
	require.Equal(t, 64, themes)
	two := requireConverged(t, st)
	require.LessOrEqual(t, two, one, "two workers mint no more canonical signatures than one")
	require.Equal(t, two, themesNew, "themes_new counts each signature once across workers")
}
