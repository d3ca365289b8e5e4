package store

import (
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// Transient reports whether err is a failure of the moment rather than of the data: the same
// transaction may well succeed when tried again. That is a serialization failure or deadlock
// (SQLSTATE 40001, 40P01), a server shutting down or restarting (57P01-57P03), a connection
// exception (class 08) or too many connections (53300), a lock not available (55P03), or a
// connection that failed, was reset or closed, or timed out. Every other server error (a
// constraint violation, a bad value) is the data's own and is not transient.
//
// Callers retry whole transactions, and a retried WriteGroup changes nothing twice, so an error
// that hides whether the COMMIT landed is as safe to retry as one that came before it.
func Transient(err error) bool {
	if err == nil {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "40001", "40P01", "57P01", "57P02", "57P03", "53300", "55P03":
			return true
		}
		return strings.HasPrefix(pgErr.Code, "08")
	}
	if pgconn.SafeToRetry(err) || pgconn.Timeout(err) {
		return true
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connectErr) || errors.As(err, &netErr) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE)
}
