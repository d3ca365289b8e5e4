package activities

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"feedbackpipe/conversation"
	"feedbackpipe/grouping"
	"feedbackpipe/llm"
	"feedbackpipe/localmodel"
	"feedbackpipe/review"
	"feedbackpipe/store"
	"feedbackpipe/testenv"
)

// reviewTheme is one synthetic member theme of the review tests.
type reviewTheme struct {
	id, sig, component, action, direction, intent, symptom string
}

// reviewFixture: a noise group, a group mixing a bug and a feature request of one component, and
// a good group of one bug.
var reviewFixture = map[string][]reviewTheme{
	"general_feedback": {
		{"noise-1", "general_feedback", "general", "unknown", "neutral", "Say thanks", "none"},
		{"noise-2", "general_feedback", "general", "unknown", "neutral", "Say hello", "none"},
		{"noise-3", "general_question", "general", "inquiry", "neutral", "Ask something", "none"},
	},
	"calendar_sync_duplicate_events": {
		{"cal-1", "calendar_sync_duplicate_events", "calendar_sync", "bug_report", "excess", "Stop duplicate events", "events duplicated after reconnect"},
		{"cal-2", "calendar_sync_duplicate_events", "calendar_sync", "bug_report", "excess", "Stop duplicate events", "events duplicated after reconnect"},
		{"cal-3", "calendar_sync_duplicate_events", "calendar_sync", "complaint", "excess", "Remove duplicates", "each event shows twice"},
		{"cal-4", "calendar_sync_outlook_support", "calendar_sync", "feature_request", "creation", "Sync with Outlook calendars", "no outlook option"},
		{"cal-5", "calendar_sync_outlook_support", "calendar_sync", "feature_request", "creation", "Sync with Outlook calendars", "no outlook option"},
		{"cal-6", "calendar_sync_outlook_support", "calendar_sync", "feature_request", "creation", "Two-way Outlook sync", "only google is offered"},
	},
	"photo_upload_fails": {
		{"photo-1", "photo_upload_fails", "photo_upload", "bug_report", "neutral", "Upload a profile photo", "upload fails with an error"},
		{"photo-2", "photo_upload_fails", "photo_upload", "bug_report", "neutral", "Upload a profile photo", "upload fails with an error"},
		{"photo-3", "photo_upload_fails", "photo_upload", "bug_report", "neutral", "Upload photos", "upload failed message"},
		{"photo-4", "photo_upload_fails", "photo_upload", "bug_report", "neutral", "Upload a photo", "upload fails with an error"},
	},
}

type reviewHarness struct {
	t      *testing.T
	st     *store.Store
	model  *localmodel.Server
	themes []store.ThemeForGrouping
	groups []grouping.Group
}

// newReviewHarness is a fresh database holding the fixture's conversations and the runs r0..r3.
func newReviewHarness(t *testing.T) *reviewHarness {
	url := testenv.Database(t)
	_, err := store.Migrate(url)
	require.NoError(t, err)
	st, err := store.Open(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(st.Close)
	h := &reviewHarness{t: t, st: st, model: localmodel.New(localmodel.Config{}, testenv.Logger(t))}
	at := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
	var convs []conversation.Conversation
	for _, key := range []string{"general_feedback", "calendar_sync_duplicate_events", "photo_upload_fails"} {
		g := grouping.Group{Key: key, Signature: key}
		for _, m := range reviewFixture[key] {
			g.Members = append(g.Members, len(h.themes))
			h.themes = append(h.themes, store.ThemeForGrouping{
				ConversationID: m.id, CreatedAt: at, Signature: m.sig, ProductArea: "scheduling", Component: m.component,
				UserIntent: m.intent, Symptoms: []string{m.symptom}, ActionType: m.action, Direction: m.direction,
				Excerpt: "customer says: " + m.symptom,
			})
			convs = append(convs, conversation.Conversation{ID: m.id, CreatedAt: at, Subject: m.intent,
				Messages: []conversation.Message{{Author: conversation.Customer, Text: m.symptom, CreatedAt: at}}})
		}
		h.groups = append(h.groups, g)
	}
	ctx := context.Background()
	_, err = st.UpsertConversations(ctx, convs)
	require.NoError(t, err)
	for _, id := range []string{"r0", "r1", "r2", "r3"} {
		require.NoError(t, st.CreateRun(ctx, store.Run{ID: id, Status: "running", Phase: "stories", Concurrency: 2,
			WindowSince: at, WindowUntil: at.Add(24 * time.Hour), StartedAt: time.Now()}))
	}
	return h
}

// activities wires activities to the built-in model behind handler (the model itself when nil).
func (h *reviewHarness) activities(wrap func(http.Handler) http.Handler) *Activities {
	var handler http.Handler = h.model
	if wrap != nil {
		handler = wrap(handler)
	}
	srv := httptest.NewServer(handler)
	h.t.Cleanup(srv.Close)
	logger := testenv.Logger(h.t)
	client := llm.New(llm.Config{BaseURL: srv.URL + "/v1", APIKey: "local", ChatModel: "local-heuristic-v1",
		EmbeddingModel: "local-hashed-ngrams-v1", MaxAttempts: 2}, logger)
	return New(h.st, client, DefaultConfig(), logger)
}

func (h *reviewHarness) write(a *Activities, runID string, groups []grouping.Group) {
	h.t.Helper()
	ctx := context.Background()
	prog := startProgress(ctx, "writing", 0, time.Minute)
	defer prog.stop()
	_, err := a.writeGroups(ctx, StoriesInput{RunID: runID, Concurrency: 2}, grouped{themes: h.themes, groups: groups}, prog)
	require.NoError(h.t, err)
}

func (h *reviewHarness) verdicts(runID string) map[string]store.GroupReview {
	h.t.Helper()
	rs, err := h.st.GroupReviews(context.Background(), runID, "")
	require.NoError(h.t, err)
	out := map[string]store.GroupReview{}
	for _, r := range rs {
		out[r.GroupKey] = r
	}
	return out
}

// The built-in model reviews each candidate: the noise group is rejected (and its member leaves
// the orphan it was in), the mixed group is split into two stories under stable keys, the good
// group is kept with a written title; a second run over the same groups sends nothing.
func TestReviewRejectsSplitsKeepsAndCaches(t *testing.T) {
	h := newReviewHarness(t)
	ctx := context.Background()
	// An earlier run left a noise conversation in an orphan.
	_, err := h.st.WriteGroup(ctx, &store.GroupWrite{RunID: "r0", Key: "old_noise", Title: "old", Signature: "old_noise",
		Members: []store.Member{{ConversationID: "noise-1", Signature: "old_noise", CreatedAt: time.Now()}}, MinSize: 3})
	require.NoError(t, err)

	a := h.activities(nil)
	h.write(a, "r1", h.groups)
	assert.EqualValues(t, 3, h.model.Stats().ChatRequests, "one review call a candidate group")

	v := h.verdicts("r1")
	assert.Equal(t, store.VerdictReject, v["general_feedback"].Verdict)
	assert.Equal(t, "rejected: noise", v["general_feedback"].Reason)
	assert.Equal(t, store.VerdictSplit, v["calendar_sync_duplicate_events"].Verdict)
	assert.ElementsMatch(t, []string{"calendar_sync_duplicate_events", "calendar_sync_outlook_support"}, v["calendar_sync_duplicate_events"].PartKeys)
	assert.Equal(t, store.VerdictKeep, v["photo_upload_fails"].Verdict)

	stories, orphans, err := h.st.Backlog(ctx, "")
	require.NoError(t, err)
	assert.Empty(t, orphans, "the rejected member left its old orphan, which closed")
	byKey := map[string]store.StoryView{}
	for _, s := range stories {
		byKey[s.Key] = s
		for _, id := range s.ConversationIDs {
			assert.False(t, strings.HasPrefix(id, "noise-"), "no rejected conversation in a story")
		}
	}
	require.Len(t, byKey, 3)
	assert.Equal(t, []string{"cal-1", "cal-2", "cal-3"}, byKey["calendar_sync_duplicate_events"].ConversationIDs)
	assert.Equal(t, []string{"cal-4", "cal-5", "cal-6"}, byKey["calendar_sync_outlook_support"].ConversationIDs)
	photo := byKey["photo_upload_fails"]
	assert.Equal(t, "Photo upload: fails with an error", photo.Title)
	assert.Equal(t, "keep", photo.Verdict)
	assert.NotEmpty(t, photo.UserStory)
	assert.NotEmpty(t, photo.AcceptanceCriteria)
	assert.Contains(t, []string{"medium", "high"}, photo.Severity)
	for _, s := range stories {
		assert.LessOrEqual(t, utf8.RuneCountInString(s.Title), review.MaxTitle, s.Title)
		assert.NotContains(t, s.Title, "\n")
	}
	assert.Equal(t, "Calendar sync: events duplicated after reconnect", byKey["calendar_sync_duplicate_events"].Title)

	c1, err := h.st.RunCounters(ctx, "r1")
	require.NoError(t, err)
	assert.Equal(t, 3, c1.LLMCalls, "review calls count in llm_calls")
	assert.Positive(t, c1.TokensIn)
	_, warns, err := h.st.RunErrors(ctx, "r1", 10)
	require.NoError(t, err)
	assert.Contains(t, warns, "group general_feedback: rejected: noise")

	// A second run over the unchanged groups: every review comes from the cache.
	h.write(a, "r2", h.groups)
	assert.EqualValues(t, 3, h.model.Stats().ChatRequests, "no review call on a re-run")
	c2, err := h.st.RunCounters(ctx, "r2")
	require.NoError(t, err)
	assert.Zero(t, c2.LLMCalls)
	assert.Equal(t, v["calendar_sync_duplicate_events"].PartKeys, h.verdicts("r2")["calendar_sync_duplicate_events"].PartKeys)
}

// An invalid answer (twice: the corrective retry fails too) falls back to the mechanical draft
// with a warning; the group is written, and both calls count.
func TestReviewInvalidAnswerFallsBack(t *testing.T) {
	h := newReviewHarness(t)
	ctx := context.Background()
	var reviews int
	a := h.activities(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			if !strings.Contains(string(body), review.SchemaName) {
				r.Body = io.NopCloser(strings.NewReader(string(body)))
				next.ServeHTTP(w, r)
				return
			}
			reviews++
			content, _ := json.Marshal(map[string]any{"decision": "keep", "reason": "one_issue", "parts": []any{}})
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]any{"id": "x", "object": "chat.completion", "model": "m",
				"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
					"message": map[string]any{"role": "assistant", "content": string(content)}}},
				"usage": map[string]any{"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}})
		})
	})
	h.write(a, "r1", h.groups[2:])
	assert.Equal(t, 2, reviews, "one call and its corrective retry")
	v := h.verdicts("r1")["photo_upload_fails"]
	assert.Equal(t, store.VerdictFallback, v.Verdict)
	assert.Equal(t, "review_fallback: invalid_output", v.Reason)
	stories, _, err := h.st.Backlog(ctx, "")
	require.NoError(t, err)
	require.Len(t, stories, 1, "the group is never lost")
	assert.Equal(t, []string{"photo-1", "photo-2", "photo-3", "photo-4"}, stories[0].ConversationIDs)
	assert.Equal(t, "fallback", stories[0].Verdict)
	assert.Empty(t, stories[0].UserStory)
	_, warns, err := h.st.RunErrors(ctx, "r1", 10)
	require.NoError(t, err)
	assert.Contains(t, warns, "group photo_upload_fails: review_fallback: invalid_output")
	c, err := h.st.RunCounters(ctx, "r1")
	require.NoError(t, err)
	assert.Equal(t, 2, c.LLMCalls)
	hash := review.MemberHash([]string{"photo-1", "photo-2", "photo-3", "photo-4"})
	cached, err := h.st.CachedReviews(ctx, []string{hash}, review.PromptVersion, "local-heuristic-v1")
	require.NoError(t, err)
	assert.NotContains(t, cached, hash, "an invalid answer is not cached")
}
