package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync/atomic"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"feedbackpipe/conversation"
	"feedbackpipe/extraction"
	"feedbackpipe/tokens"
)

// Client calls the configured OpenAI-compatible API.
type Client struct {
	api     *openai.Client
	cfg     Config
	limiter *Limiter
	logger  *slog.Logger
	schema  json.RawMessage // the extraction schema, encoded once
	// proven is set once a call succeeds: from then on the configuration is known to work, and
	// a 400 that names no refusal code is taken for this input's fault, not the configuration's.
	proven atomic.Bool
	// floatEmbeddings is set once the embeddings API showed it does not answer base64 (see
	// embedRequest): from then on vectors are asked for as decimal floats.
	floatEmbeddings atomic.Bool
}

// New builds a client. One client per worker process, so its limiter is shared by every activity.
func New(cfg Config, logger *slog.Logger) *Client {
	cfg = cfg.withDefaults()
	oc := openai.DefaultConfig(cfg.APIKey)
	if cfg.BaseURL != "" {
		oc.BaseURL = cfg.BaseURL
	}
	// Many calls run in parallel against one host: keep their connections alive instead of the
	// default transport's 2 idle connections per host, which closes and redials under load.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConns, transport.MaxIdleConnsPerHost = 512, 512
	oc.HTTPClient = hintingDoer{next: &http.Client{Transport: transport}}
	schema, _ := json.Marshal(extraction.Schema()) // maps of strings, numbers and lists always encode
	return &Client{
		api:     openai.NewClientWithConfig(oc),
		cfg:     cfg,
		limiter: NewLimiter(cfg.RequestsPerMinute, cfg.TokensPerMinute, cfg.Workers),
		logger:  logger,
		schema:  schema,
	}
}

// ChatModel returns the extraction model's name.
func (c *Client) ChatModel() string { return c.cfg.ChatModel }

// EmbeddingModel returns the embedding model's name.
func (c *Client) EmbeddingModel() string { return c.cfg.EmbeddingModel }

// withRetry runs call until it succeeds, fails permanently, the attempts run out, or ctx ends.
// Each attempt waits for the rate limiter and has its own timeout; between attempts it backs off
// exponentially with full jitter, never less than the server's Retry-After.
func (c *Client) withRetry(ctx context.Context, estTokens int, model, kind, what string, call func(context.Context) error) (calls int, err error) {
	for attempt := 0; ; attempt++ {
		if err := c.limiter.Wait(ctx, estTokens); err != nil {
			return calls, err
		}
		hint := &retryHint{}
		callCtx, cancel := context.WithTimeout(context.WithValue(ctx, retryHintKey{}, hint), c.cfg.CallTimeout)
		began := time.Now()
		err = call(callCtx)
		c.cfg.Recorder.Request(model, kind, time.Since(began), err)
		cancel()
		calls++
		if err == nil {
			c.proven.Store(true)
			return calls, nil
		}
		if ctx.Err() != nil {
			return calls, fmt.Errorf("%s: %w", what, ctx.Err())
		}
		retry, classified := classify(err, c.proven.Load())
		if !retry {
			return calls, fmt.Errorf("%s: %w", what, classified)
		}
		if attempt+1 >= c.cfg.MaxAttempts {
			return calls, fmt.Errorf("%s: %w", what, &TransientError{Attempts: attempt + 1, Code: transientCode(err), Err: err})
		}
		c.cfg.Recorder.Retry(model, kind, transientCode(err))
		delay := backoff(attempt, hint.after)
		c.logger.Debug("LLM call failed, retrying", "call", what, "attempt", attempt+1, "delay", delay, "error", err)
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return calls, fmt.Errorf("%s: %w", what, ctx.Err())
		}
	}
}

// backoff is full-jitter exponential backoff (base 250ms, cap 20s), at least retryAfter plus up
// to 20% jitter when the server named one, so many callers do not return at the same instant.
func backoff(attempt int, retryAfter time.Duration) time.Duration {
	ceiling := min(250*time.Millisecond<<min(attempt, 7), 20*time.Second)
	d := time.Duration(rand.Int64N(int64(ceiling)) + 1)
	if retryAfter > 0 {
		d = retryAfter + time.Duration(rand.Int64N(int64(retryAfter)/5+1))
	}
	return d
}

// Extract makes the extraction call for one conversation. check adds validation beyond the
// schema (e.g. signature specificity). An invalid answer gets one corrective retry carrying the
// validation error; a second invalid answer is an InvalidOutputError.
func (c *Client) Extract(ctx context.Context, conv *conversation.Conversation, known []extraction.KnownSignature,
	check func(*extraction.Theme) error) (*extraction.Theme, Usage, error) {
	msgs := []openai.ChatCompletionMessage{
		{Role: openai.ChatMessageRoleSystem, Content: extraction.SystemPrompt},
		{Role: openai.ChatMessageRoleUser, Content: extraction.BuildUserPrompt(conv, known, c.cfg.PromptTokens)},
	}
	var usage Usage
	kind := KindExtract
	answer := func() (string, *extraction.Theme, error) {
		content, u, err := c.chat(ctx, kind, "extraction call", extraction.SchemaName, msgs, c.schema)
		usage.Add(u)
		if err != nil {
			return "", nil, err
		}
		theme, verr := extraction.Parse(content)
		if verr == nil && check != nil {
			verr = check(theme)
		}
		if verr != nil {
			return content, nil, &InvalidOutputError{Err: verr}
		}
		return content, theme, nil
	}
	content, theme, err := answer()
	var invalid *InvalidOutputError
	if !errors.As(err, &invalid) {
		return theme, usage, err
	}
	msgs = append(msgs,
		openai.ChatCompletionMessage{Role: openai.ChatMessageRoleAssistant, Content: content},
		openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser, Content: "Your answer was invalid: " +
			invalid.Err.Error() + "\nAnswer again with one JSON object that follows the schema and fixes these problems."})
	kind = KindCorrection
	_, theme, err = answer()
	return theme, usage, err
}

// chat is one chat completion whose answer must follow the named strict JSON schema, with the
// client's retries; what names the call in errors ("extraction call", "review call").
func (c *Client) chat(ctx context.Context, kind, what, schemaName string, msgs []openai.ChatCompletionMessage, schema json.RawMessage) (string, Usage, error) {
	est := 0
	for _, m := range msgs {
		est += tokens.Estimate(m.Content)
	}
	var resp openai.ChatCompletionResponse
	calls, err := c.withRetry(ctx, est, c.cfg.ChatModel, kind, what, func(ctx context.Context) error {
		var err error
		resp, err = c.api.CreateChatCompletion(ctx, openai.ChatCompletionRequest{
			Model:       c.cfg.ChatModel,
			Messages:    msgs,
			Temperature: 0,
			ResponseFormat: &openai.ChatCompletionResponseFormat{
				Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
				JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{
					Name: schemaName, Schema: schema, Strict: true,
				},
			},
		})
		switch {
		case err != nil:
		case len(resp.Choices) == 0:
			err = fmt.Errorf("answer has no choices")
		case resp.Choices[0].FinishReason == openai.FinishReasonContentFilter:
			// Filtered on the way out: the same conversation would be filtered again.
			err = &RefusedError{Status: http.StatusOK, Code: "content_filter"}
		}
		return err
	})
	usage := Usage{Calls: calls}
	if err != nil {
		return "", usage, err
	}
	usage.TokensIn, usage.TokensOut = resp.Usage.PromptTokens, resp.Usage.CompletionTokens
	c.cfg.Recorder.Tokens(c.cfg.ChatModel, kind, usage.TokensIn, usage.TokensOut)
	usage.CostUSD = c.cfg.Prices.Cost(c.cfg.ChatModel, usage.TokensIn, usage.TokensOut)
	return resp.Choices[0].Message.Content, usage, nil
}

// Embed returns one vector per input, in order, from one embeddings request (with retries).
func (c *Client) Embed(ctx context.Context, inputs []string) ([][]float32, Usage, error) {
	est := 0
	for _, in := range inputs {
		est += tokens.Estimate(in) + 1
	}
	var resp openai.EmbeddingResponse
	fallbacks := 0
	calls, err := c.withRetry(ctx, est, c.cfg.EmbeddingModel, KindEmbed, "embeddings call", func(ctx context.Context) error {
		var err error
		var fellBack bool
		resp, fellBack, err = c.embedRequest(ctx, inputs)
		if fellBack {
			fallbacks++
		}
		if err == nil && len(resp.Data) != len(inputs) {
			err = fmt.Errorf("answer has %d vectors for %d inputs", len(resp.Data), len(inputs))
		}
		return err
	})
	usage := Usage{Calls: calls + fallbacks}
	if err != nil {
		return nil, usage, err
	}
	usage.TokensIn = resp.Usage.PromptTokens
	c.cfg.Recorder.Tokens(c.cfg.EmbeddingModel, KindEmbed, usage.TokensIn, 0)
	usage.CostUSD = c.cfg.Prices.Cost(c.cfg.EmbeddingModel, usage.TokensIn, 0)
	out := make([][]float32, len(inputs))
	for i, d := range resp.Data {
		idx := d.Index
		if idx < 0 || idx >= len(out) {
			idx = i
		}
		out[idx] = d.Embedding
	}
	return out, usage, nil
}
