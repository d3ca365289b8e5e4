package intercom

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// maxBody bounds what is read of one answer (a conversation with 500 parts fits well within).
const maxBody = 32 << 20

// Client calls Intercom's REST API. It is safe for concurrent use.
type Client struct {
	cfg     Config
	http    *http.Client
	limiter *rate.Limiter
	logger  *slog.Logger

	mu         sync.Mutex
	pauseUntil time.Time // set from the rate-limit headers: no call before then
}

// New makes a client; cfg gets its defaults.
func New(cfg Config, logger *slog.Logger) *Client {
	cfg = cfg.WithDefaults()
	return &Client{
		cfg:     cfg,
		http:    &http.Client{},
		limiter: rate.NewLimiter(rate.Limit(cfg.RatePerSec), 1),
		logger:  logger,
	}
}

// do sends one request, with retries: 429 waits for Retry-After (or the rate-limit reset), 5xx
// and connection errors back off exponentially, 401/403 fail at once with an AuthError, and any
// other status fails with a StatusError. Every attempt has its own timeout.
func (c *Client) do(ctx context.Context, op, method, path string, body []byte) ([]byte, error) {
	backoff := c.cfg.MinBackoff
	var lastErr error
	for attempt := 1; attempt <= c.cfg.MaxAttempts; attempt++ {
		if err := c.waitTurn(ctx); err != nil {
			return nil, err
		}
		status, header, data, err := c.once(ctx, method, path, body)
		var wait time.Duration
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return nil, fmt.Errorf("intercom %s: %w", op, ctx.Err())
			}
			lastErr = fmt.Errorf("intercom %s: %w", op, err)
			wait = backoff
		case status >= 200 && status < 300:
			c.notePause(header, false)
			return data, nil
		case status == http.StatusUnauthorized || status == http.StatusForbidden:
			return nil, &AuthError{Status: status}
		case status == http.StatusTooManyRequests:
			lastErr = &StatusError{Status: status, Op: op, Attempts: attempt}
			wait = max(c.notePause(header, true), backoff)
		case status >= 500:
			lastErr = &StatusError{Status: status, Op: op, Attempts: attempt}
			wait = backoff
		default:
			return nil, &StatusError{Status: status, Op: op, Attempts: attempt}
		}
		if attempt == c.cfg.MaxAttempts {
			break
		}
		c.logger.Warn("intercom call failed, retrying", "op", op, "attempt", attempt, "wait", wait, "error", lastErr)
		if err := sleep(ctx, min(wait, maxRetryWait)); err != nil {
			return nil, fmt.Errorf("intercom %s: %w", op, err)
		}
		backoff = min(backoff*2, 30*time.Second)
	}
	var se *StatusError
	if errors.As(lastErr, &se) {
		se.Attempts = c.cfg.MaxAttempts
	}
	return nil, lastErr
}

// once is one attempt under the call timeout.
func (c *Client) once(ctx context.Context, method, path string, body []byte) (int, http.Header, []byte, error) {
	cctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(cctx, method, c.cfg.BaseURL+path, rd)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.cfg.Token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Intercom-Version", c.cfg.APIVersion)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) { // say the path, not the URL: a base URL may carry credentials
			err = fmt.Errorf("%s %s: %w", method, path, ue.Err)
		}
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return 0, nil, nil, fmt.Errorf("read answer: %w", err)
	}
	return resp.StatusCode, resp.Header, data, nil
}

// waitTurn waits for the rate limiter and for any pause the server asked for.
func (c *Client) waitTurn(ctx context.Context) error {
	c.mu.Lock()
	until := c.pauseUntil
	c.mu.Unlock()
	if d := time.Until(until); d > 0 {
		if err := sleep(ctx, min(d, maxRetryWait)); err != nil {
			return fmt.Errorf("wait for Intercom's rate limit: %w", err)
		}
	}
	if err := c.limiter.Wait(ctx); err != nil {
		return fmt.Errorf("wait for the request rate: %w", err)
	}
	return nil
}

// notePause reads Retry-After and the rate-limit headers: after a 429 (limited) or when no
// request remains, the next call waits until the server's reset. It returns the wait.
func (c *Client) notePause(h http.Header, limited bool) time.Duration {
	now := time.Now()
	var wait time.Duration
	if ra := h.Get("Retry-After"); ra != "" {
		if s, err := strconv.Atoi(ra); err == nil && s >= 0 {
			wait = time.Duration(s) * time.Second
		} else if t, err := http.ParseTime(ra); err == nil {
			wait = t.Sub(now)
		}
	}
	if limited || h.Get("X-RateLimit-Remaining") == "0" {
		if reset, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil {
			wait = max(wait, time.Unix(reset, 0).Sub(now))
		}
	}
	if wait <= 0 {
		return 0
	}
	wait = min(wait, maxRetryWait)
	c.mu.Lock()
	if t := now.Add(wait); t.After(c.pauseUntil) {
		c.pauseUntil = t
	}
	c.mu.Unlock()
	return wait
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
