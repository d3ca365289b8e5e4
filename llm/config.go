// Package llm is the pipeline's client of an OpenAI-compatible API (github.com/sashabaranov/go-openai):
// one strict JSON-schema chat call per conversation for extraction, batched embeddings, retries
// with backoff that honour Retry-After, a timeout on every call, a worker-wide rate limiter, and
// usage and cost accounting.
package llm

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Config configures the client. Zero values take the defaults documented on each field.
type Config struct {
	BaseURL           string        // OPENAI_BASE_URL; empty means the OpenAI API
	APIKey            string        // OPENAI_API_KEY; never logged
	ChatModel         string        // LLM_MODEL
	EmbeddingModel    string        // EMBEDDING_MODEL
	CallTimeout       time.Duration // LLM_TIMEOUT, per HTTP call; default 60s
	MaxAttempts       int           // attempts per call for transient errors; default 6
	RequestsPerMinute int           // LLM_RPM, the whole deployment's budget; 0 = unlimited
	TokensPerMinute   int           // LLM_TPM, the whole deployment's budget; 0 = unlimited
	Workers           int           // LLM_WORKERS: worker processes sharing the budget; default 1
	PromptTokens      int           // token budget of a conversation in the prompt; default 6000
	Prices            Prices        // per model, USD per million tokens
	Recorder          Recorder      // receives request durations, tokens and retries; nil: none
}

func (c Config) withDefaults() Config {
	if c.CallTimeout <= 0 {
		c.CallTimeout = 60 * time.Second
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 6
	}
	if c.PromptTokens <= 0 {
		c.PromptTokens = 6000
	}
	if c.Recorder == nil {
		c.Recorder = noRecorder{}
	}
	if c.Prices == nil {
		c.Prices = DefaultPrices()
	}
	return c
}

// Price is what a model costs, in USD per million tokens.
type Price struct {
	InputPerMTok  float64
	OutputPerMTok float64
}

// Prices maps a model name to its price. Unknown models cost nothing.
type Prices map[string]Price

// DefaultPrices are list prices of common OpenAI models.
func DefaultPrices() Prices {
	return Prices{
		"gpt-4o-mini":            {0.15, 0.60},
		"gpt-4o":                 {2.50, 10.00},
		"gpt-4.1-mini":           {0.40, 1.60},
		"gpt-4.1-nano":           {0.10, 0.40},
		"text-embedding-3-small": {0.02, 0},
		"text-embedding-3-large": {0.13, 0},
	}
}

// Cost returns the price of a call.
func (p Prices) Cost(model string, tokensIn, tokensOut int) float64 {
	price := p[model]
	return (float64(tokensIn)*price.InputPerMTok + float64(tokensOut)*price.OutputPerMTok) / 1e6
}

// ParsePrices reads LLM_PRICES, "model=in/out,model2=in/out" in USD per million tokens, on top
// of the defaults.
func ParsePrices(spec string) (Prices, error) {
	prices := DefaultPrices()
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		model, rest, ok := strings.Cut(item, "=")
		in, out, ok2 := strings.Cut(rest, "/")
		if !ok || !ok2 {
			return nil, fmt.Errorf("LLM_PRICES entry %q: want model=input/output", item)
		}
		pin, err1 := strconv.ParseFloat(in, 64)
		pout, err2 := strconv.ParseFloat(out, 64)
		if err1 != nil || err2 != nil || pin < 0 || pout < 0 {
			return nil, fmt.Errorf("LLM_PRICES entry %q: prices must be non-negative numbers", item)
		}
		prices[strings.TrimSpace(model)] = Price{pin, pout}
	}
	return prices, nil
}

// Usage is what calls consumed.
type Usage struct {
	Calls     int
	TokensIn  int
	TokensOut int
	CostUSD   float64
}

// Add adds o to u.
func (u *Usage) Add(o Usage) {
	u.Calls += o.Calls
	u.TokensIn += o.TokensIn
	u.TokensOut += o.TokensOut
	u.CostUSD += o.CostUSD
}
