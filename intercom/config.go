// Package intercom reads conversations from Intercom's REST API: a search by created or updated
// time with cursor pagination, then each conversation with its parts. The client is polite (a
// rate limit, retries on 5xx and connection errors, 429 honouring Retry-After and the rate-limit
// reset header, a timeout on every call) and fails at once on 401/403 naming the variable to fix.
// The access token stays in the client: it is never logged nor put in an error.
package intercom

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Environment variables of the worker that configure the client.
const (
	EnvToken      = "INTERCOM_ACCESS_TOKEN"
	EnvBaseURL    = "INTERCOM_BASE_URL"
	EnvAPIVersion = "INTERCOM_API_VERSION"
	EnvRate       = "INTERCOM_REQUESTS_PER_SECOND"
	EnvPageSize   = "INTERCOM_PAGE_SIZE"
)

// Defaults of the configuration.
const (
	DefaultBaseURL    = "https://api.intercom.io"
	DefaultAPIVersion = "2.11"
	DefaultRate       = 8.0 // requests a second; Intercom allows ~16 per second per workspace
	DefaultTimeout    = 30 * time.Second
	DefaultAttempts   = 6
	DefaultPageSize   = 50
	maxRetryWait      = 2 * time.Minute
)

// Config configures a Client.
type Config struct {
	Token       string        // INTERCOM_ACCESS_TOKEN
	BaseURL     string        // INTERCOM_BASE_URL
	APIVersion  string        // INTERCOM_API_VERSION, sent as the Intercom-Version header
	RatePerSec  float64       // INTERCOM_REQUESTS_PER_SECOND
	Timeout     time.Duration // of each call
	MaxAttempts int           // per call, retries of 429, 5xx and connection errors included
	PageSize    int           // conversations per search page (Intercom allows up to 150)
	// MinBackoff is the first pause between retries when the server gives no hint.
	MinBackoff time.Duration
}

// FromEnv reads the configuration from the worker's environment; the token is required.
func FromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		Token:      strings.TrimSpace(getenv(EnvToken)),
		BaseURL:    strings.TrimRight(strings.TrimSpace(getenv(EnvBaseURL)), "/"),
		APIVersion: strings.TrimSpace(getenv(EnvAPIVersion)),
	}
	if v := strings.TrimSpace(getenv(EnvRate)); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 {
			return c, fmt.Errorf("%s=%q: want a positive number of requests a second", EnvRate, v)
		}
		c.RatePerSec = f
	}
	if v := strings.TrimSpace(getenv(EnvPageSize)); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 150 {
			return c, fmt.Errorf("%s=%q: want 1 to 150 conversations a page", EnvPageSize, v)
		}
		c.PageSize = n
	}
	if c.Token == "" {
		return c, fmt.Errorf("%s is not set in the worker's environment: set it to an Intercom access token to fetch conversations from Intercom", EnvToken)
	}
	return c.WithDefaults(), nil
}

// WithDefaults fills what is unset.
func (c Config) WithDefaults() Config {
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.APIVersion == "" {
		c.APIVersion = DefaultAPIVersion
	}
	if c.RatePerSec <= 0 {
		c.RatePerSec = DefaultRate
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = DefaultAttempts
	}
	if c.PageSize <= 0 {
		c.PageSize = DefaultPageSize
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = 500 * time.Millisecond
	}
	return c
}
