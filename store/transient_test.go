package store_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"

	"feedbackpipe/store"
)

func TestTransient(t *testing.T) {
	pg := func(code string) error { return fmt.Errorf("write group k: %w", &pgconn.PgError{Code: code}) }
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"serialization failure", pg("40001"), true},
		{"deadlock", pg("40P01"), true},
		{"admin shutdown", pg("57P01"), true},
		{"crash shutdown", pg("57P02"), true},
		{"cannot connect now", pg("57P03"), true},
		{"connection failure", pg("08006"), true},
		{"too many connections", pg("53300"), true},
		{"unique violation", pg("23505"), false},
		{"foreign key violation", pg("23503"), false},
		{"check violation", pg("23514"), false},
		{"syntax error", pg("42601"), false},
		{"unexpected EOF", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true},
		{"connection reset", fmt.Errorf("write: %w", syscall.ECONNRESET), true},
		{"connection refused", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, true},
		{"closed network connection", fmt.Errorf("x: %w", net.ErrClosed), true},
		{"other error", errors.New("no members"), false},
		{"context canceled alone", context.Canceled, false},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, store.Transient(tc.err), tc.name)
	}
}
