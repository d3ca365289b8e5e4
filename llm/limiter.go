package llm

import (
	"context"
	"fmt"

	"golang.org/x/time/rate"
)

// Limiter paces every call of a worker: requests per minute and tokens per minute, shared by all
// activities of the process because it lives in the one Client the worker builds. LLM_RPM and
// LLM_TPM are the deployment's budget against the provider; each of the LLM_WORKERS worker
// processes paces itself to its equal share, so together they stay within it however the
// activities spread over them. A team that scales to N workers sets LLM_WORKERS=N on each.
type Limiter struct {
	requests *rate.Limiter
	tokens   *rate.Limiter
}

// NewLimiter makes one worker's limiter: its share of the deployment's budget among workers
// processes; a zero rate means unlimited.
func NewLimiter(requestsPerMinute, tokensPerMinute, workers int) *Limiter {
	workers = max(workers, 1)
	requestsPerMinute, tokensPerMinute = share(requestsPerMinute, workers), share(tokensPerMinute, workers)
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

// share is one worker's part of a per-minute budget: at least 1 when there is a budget at all.
func share(perMinute, workers int) int {
	if perMinute <= 0 {
		return 0
	}
	return max(perMinute/workers, 1)
}
