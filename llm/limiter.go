package llm

import (
	"context"
	"fmt"

	"golang.org/x/time/rate"
)

// Limiter paces every call of a worker: requests per minute and tokens per minute, shared by all
// activities of the process because it lives in the one Client the worker builds.
type Limiter struct {
	requests *rate.Limiter
	tokens   *rate.Limiter
}

// NewLimiter makes a limiter; a zero rate means unlimited.
func NewLimiter(requestsPerMinute, tokensPerMinute int) *Limiter {
	l := &Limiter{}
	if requestsPerMinute > 0 {
		l.requests = rate.NewLimiter(rate.Limit(float64(requestsPerMinute)/60), max(requestsPerMinute/60, 1))
	}
	if tokensPerMinute > 0 {
		l.tokens = rate.NewLimiter(rate.Limit(float64(tokensPerMinute)/60), max(tokensPerMinute/6, 1))
	}
	return l
}

// Wait blocks until one request of about tokens tokens may be sent.
func (l *Limiter) Wait(ctx context.Context, tokens int) error {
	if l.requests != nil {
		if err := l.requests.Wait(ctx); err != nil {
			return fmt.Errorf("wait for request rate: %w", err)
		}
	}
	if l.tokens != nil {
		if err := l.tokens.WaitN(ctx, min(max(tokens, 1), l.tokens.Burst())); err != nil {
			return fmt.Errorf("wait for token rate: %w", err)
		}
	}
	return nil
}
