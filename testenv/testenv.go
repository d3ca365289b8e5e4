// Package testenv gives tests the real services: a fresh Postgres database per test, and a
// Temporal client in a namespace of their own (feedbackpipe-test) with task queues that are swept
// of running workflows when the test ends. When REQUIRE_SERVICES=1 (as `make test` sets it) an
// unreachable service fails the test; otherwise (a plain `go test` with nothing running) the test
// is skipped with a note.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"feedbackpipe/config"
)

// Required reports whether the test command says the services must be there.
func Required() bool { return os.Getenv("REQUIRE_SERVICES") == "1" }

func unavailable(t testing.TB, what string, err error) {
	t.Helper()
	if Required() {
		t.Fatalf("%s is required (REQUIRE_SERVICES=1) but unreachable: %v; start it with `make up`", what, err)
	}
	t.Skipf("%s unreachable (%v): run `make up` and set REQUIRE_SERVICES=1 to run this test", what, err)
}

// AdminURL is the Postgres URL tests create their databases through.
func AdminURL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	if u := os.Getenv("DATABASE_URL"); u != "" {
		return u
	}
	return config.DefaultDatabaseURL
}

// Database creates an empty database for the test and drops it when the test ends. It returns
// the new database's URL.
func Database(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("needs Postgres; skipped in -short mode")
	}
	admin := AdminURL()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		unavailable(t, "Postgres", err)
	}
	defer conn.Close(context.Background())
	name := "test_" + strings.ToLower(randomHex(6))
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Logf("drop test database %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("drop test database %s: %v", name, err)
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("parse %s: %v", admin, err)
	}
	u.Path = "/" + name
	return u.String()
}

// UniqueName returns prefix plus a random suffix, for task queues and IDs.
func UniqueName(prefix string) string { return fmt.Sprintf("%s-%s", prefix, randomHex(4)) }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Logger returns a warn-level logger writing through t.Log until the test's cleanups are done;
// background goroutines that log later are silenced instead of panicking the test binary.
func Logger(t testing.TB) *slog.Logger {
	w := &testWriter{t: t}
	t.Cleanup(func() { w.done.Store(true) })
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct {
	t    testing.TB
	done atomic.Bool
}

func (w *testWriter) Write(p []byte) (int, error) {
	if !w.done.Load() {
		w.t.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}
