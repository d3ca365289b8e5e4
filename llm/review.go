package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	openai "github.com/sashabaranov/go-openai"

	"feedbackpipe/review"
	"feedbackpipe/tokens"
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
		content, u, err := c.reviewChat(ctx, msgs, schema)
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

// reviewChat is one chat completion under the review schema.
func (c *Client) reviewChat(ctx context.Context, msgs []openai.ChatCompletionMessage, schema json.RawMessage) (string, Usage, error) {
	est := 0
	for _, m := range msgs {
		est += tokens.Estimate(m.Content)
	}
	var resp openai.ChatCompletionResponse
	calls, err := c.withRetry(ctx, est, c.cfg.ChatModel, KindStoryReview, "review call", func(ctx context.Context) error {
		var err error
		resp, err = c.api.CreateChatCompletion(ctx, openai.ChatCompletionRequest{
			Model:       c.cfg.ChatModel,
			Messages:    msgs,
			Temperature: 0,
			ResponseFormat: &openai.ChatCompletionResponseFormat{
				Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
				JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{
					Name: review.SchemaName, Schema: schema, Strict: true,
				},
			},
		})
		switch {
		case err != nil:
		case len(resp.Choices) == 0:
			err = fmt.Errorf("answer has no choices")
		case resp.Choices[0].FinishReason == openai.FinishReasonContentFilter:
			err = &RefusedError{Status: http.StatusOK, Code: "content_filter"}
		}
		return err
	})
	usage := Usage{Calls: calls}
	if err != nil {
		return "", usage, err
	}
	usage.TokensIn, usage.TokensOut = resp.Usage.PromptTokens, resp.Usage.CompletionTokens
	c.cfg.Recorder.Tokens(c.cfg.ChatModel, KindStoryReview, usage.TokensIn, usage.TokensOut)
	usage.CostUSD = c.cfg.Prices.Cost(c.cfg.ChatModel, usage.TokensIn, usage.TokensOut)
	return resp.Choices[0].Message.Content, usage, nil
}
