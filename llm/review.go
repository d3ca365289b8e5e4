package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	openai "github.com/sashabaranov/go-openai"

	"feedbackpipe/review"
)

// KindStoryReview is the story review call, as the Recorder sees it.
const KindStoryReview = "story_review"

// Review makes the story review call for one candidate group, with the same strict JSON schema
// response format, retries and limiter as Extract. An invalid answer gets one corrective retry
// carrying the validation error (field names only); a second invalid answer is an
// InvalidOutputError. The usage counts every attempt.
func (c *Client) Review(ctx context.Context, g review.Group) (*review.Answer, Usage, error) {
	schema, err := json.Marshal(review.Schema())
	if err != nil {
		return nil, Usage{}, fmt.Errorf("encode the review schema: %w", err)
	}
	msgs := []openai.ChatCompletionMessage{
		{Role: openai.ChatMessageRoleSystem, Content: review.SystemPrompt},
		{Role: openai.ChatMessageRoleUser, Content: review.UserPrompt(g)},
	}
	var usage Usage
	answer := func() (string, *review.Answer, error) {
		content, u, err := c.chat(ctx, KindStoryReview, "review call", review.SchemaName, msgs, schema)
		usage.Add(u)
		if err != nil {
			return "", nil, err
		}
		a, verr := review.Parse(content, g)
		if verr != nil {
			return content, nil, &InvalidOutputError{Err: verr}
		}
		return content, a, nil
	}
	content, a, err := answer()
	var invalid *InvalidOutputError
	if !errors.As(err, &invalid) {
		return a, usage, err
	}
	msgs = append(msgs,
		openai.ChatCompletionMessage{Role: openai.ChatMessageRoleAssistant, Content: content},
		openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser, Content: "Your answer was invalid: " +
			invalid.Err.Error() + "\nAnswer again with one JSON object that follows the schema and fixes these problems."})
	_, a, err = answer()
	return a, usage, err
}
