package activities_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
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

// fakeExtractor answers each extraction with the spelling assigned to its conversation, after a
// random pause so that the 64 calls overlap and finish in any order.
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
		var issue, variant int
		for _, line := range strings.Split(req.Messages[len(req.Messages)-1].Content, "\n") {
			if strings.HasPrefix(line, extraction.MarkerConversation+" conv-") {
				_, _ = fmt.Sscanf(strings.TrimPrefix(line, extraction.MarkerConversation+" "), "conv-%d-%d", &issue, &variant)
			}
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

// TestConcurrentExtractionsConvergeOnOneSignaturePerIssue runs 64 extractions at once (8 issues,
// 8 conversations each, proposed under 4 spellings) through ExtractBatch: each issue ends with
// exactly one canonical signature in Postgres and the other spellings as its aliases. Run with -race.
func TestConcurrentExtractionsConvergeOnOneSignaturePerIssue(t *testing.T) {
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
	acts := activities.New(st, client, activities.DefaultConfig(), logger)

	var convs []conversation.Conversation
	for issue := range spellings {
		for v := range 8 {
			at := windowStart.Add(time.Duration(issue*8+v) * time.Minute)
			convs = append(convs, conversation.Conversation{
				ID: fmt.Sprintf("conv-%d-%d", issue, v), CreatedAt: at, Subject: "s",
				Messages: []conversation.Message{{Author: conversation.Customer, Text: fmt.Sprintf("issue %d, told the %d-th way", issue, v), CreatedAt: at}},
			})
		}
	}
	_, err = st.UpsertConversations(context.Background(), convs)
	require.NoError(t, err)

	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(tlog.NewStructuredLogger(logger))
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(acts)
	since, until := windowStart, windowStart.Add(24*time.Hour)
	_, err = env.ExecuteActivity(acts.StartRun, activities.StartRunInput{
		RunID: "stress", Input: pipeline.RunInput{Since: &since, Until: &until, Concurrency: 64},
		WindowSince: since, WindowUntil: until, StartedAt: time.Now().UTC(),
	})
	require.NoError(t, err)
	val, err := env.ExecuteActivity(acts.ExtractBatch, activities.ExtractBatchInput{RunID: "stress", From: 0, To: 64, Concurrency: 64})
	require.NoError(t, err)
	var res activities.BatchResult
	require.NoError(t, val.Get(&res))
	require.Equal(t, 64, res.Counters.ThemesExtracted, "every conversation becomes a theme")
	require.Equal(t, len(spellings), res.Counters.ThemesNew, "one signature minted per issue")

	rows, err := st.Pool().Query(context.Background(), `
		SELECT split_part(t.conversation_id, '-', 2), count(DISTINCT t.issue_signature), min(t.issue_signature)
		FROM themes t WHERE t.run_id = 'stress' GROUP BY 1 ORDER BY 1`)
	require.NoError(t, err)
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
}
