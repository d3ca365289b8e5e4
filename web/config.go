package web

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// Config is how the server is reached and who may use it.
type Config struct {
	// Addr is host:port to listen on; loopback unless Token or BasicAuth is set.
	Addr string
	// Token, when set, is required as a bearer token or as the password of basic auth.
	Token string
	// BasicAuth, when set, is "user:password" required as basic auth.
	BasicAuth string
	// UserHeader names a header a trusted proxy sets to the signed-in person (e.g.
	// X-Forwarded-User); empty: no header is trusted.
	UserHeader string
	// User is the name recorded with triage when no header or basic auth names anyone.
	User string
	// UIURL and Namespace make the links to a run's page in the Temporal UI.
	UIURL     string
	Namespace string
	// RequestTimeout bounds what one request waits for (0: DefaultRequestTimeout).
	RequestTimeout time.Duration
}

// ReadConfig reads the server's settings through getenv: FEEDBACK_WEB_TOKEN,
// FEEDBACK_WEB_BASIC_AUTH (user:password), FEEDBACK_WEB_USER_HEADER, FEEDBACK_WEB_USER.
func ReadConfig(getenv func(string) string) Config {
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	return Config{
		Token: get("FEEDBACK_WEB_TOKEN"), BasicAuth: get("FEEDBACK_WEB_BASIC_AUTH"),
		UserHeader: get("FEEDBACK_WEB_USER_HEADER"), User: get("FEEDBACK_WEB_USER"),
	}
}

// Exposure checks that the server may listen on cfg.Addr: a loopback address always; any other
// only with a token or basic auth configured.
func Exposure(cfg Config) error {
	if cfg.BasicAuth != "" && !strings.Contains(cfg.BasicAuth, ":") {
		return errors.New("FEEDBACK_WEB_BASIC_AUTH must be user:password")
	}
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return fmt.Errorf("address %q: %w", cfg.Addr, err)
	}
	if isLoopback(host) || cfg.Token != "" || cfg.BasicAuth != "" {
		return nil
	}
	return fmt.Errorf("refusing to serve on %s without authentication: it is not a loopback address; "+
		"set FEEDBACK_WEB_TOKEN or FEEDBACK_WEB_BASIC_AUTH (user:password), or listen on 127.0.0.1", cfg.Addr)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
