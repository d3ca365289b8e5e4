package activities

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A dry run's preview reviews its would-be stories as a real run would: the noise group is listed
// as rejected, the good one stays a would-be story, and nothing shared is written.
func TestPreviewListsGroupsTheReviewRejects(t *testing.T) {
	h := newReviewHarness(t)
	ctx := context.Background()
	for _, key := range []string{"general_feedback", "photo_upload_fails"} {
		for _, m := range reviewFixture[key] {
			result, err := json.Marshal(map[string]any{"product_area": "scheduling", "component": m.component,
				"user_intent": m.intent, "symptoms": []string{m.symptom}, "action_type": m.action, "direction": m.direction,
				"key_excerpts": []string{m.symptom}})
			require.NoError(t, err)
			_, err = h.st.Pool().Exec(ctx, `
				INSERT INTO extractions (run_id, conversation_id, outcome, signature, content_hash, prompt_version, model, result)
				VALUES ('r1', $1, 'theme', $2, 'h', 'v', 'm', $3)`, m.id, m.sig, result)
			require.NoError(t, err)
		}
	}
	a := h.activities(nil)
	kept, rejected, err := a.previewReviews(ctx, "r1", []SignatureStat{{"photo_upload_fails", 4}, {"general_feedback", 2}},
		startProgress(ctx, "reviewing", 0, 0))
	require.NoError(t, err)
	assert.Equal(t, []SignatureStat{{"photo_upload_fails", 4}}, kept)
	assert.Equal(t, []RejectedGroup{{Key: "general_feedback", Count: 2, Reason: "rejected: noise"}}, rejected)
	var cached int
	require.NoError(t, h.st.Pool().QueryRow(ctx, `SELECT count(*) FROM story_reviews`).Scan(&cached))
	assert.Zero(t, cached, "a dry run writes no shared review")
	c, err := h.st.RunCounters(ctx, "r1")
	require.NoError(t, err)
	assert.Equal(t, 2, c.LLMCalls, "the preview's review calls count in its run")
}
