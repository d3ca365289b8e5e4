package intercom

import (
	"errors"
	"fmt"
)

// AuthError is a 401 or 403: the token is wrong or lacks a scope. Retrying cannot help.
type AuthError struct {
	Status int
}

func (e *AuthError) Error() string {
	return fmt.Sprintf("Intercom refused the access token (HTTP %d): check %s in the worker's environment (a valid token with read access to conversations)", e.Status, EnvToken)
}

// StatusError is an answer Intercom gave that is neither success nor worth retrying (or still
// failing after every attempt).
type StatusError struct {
	Status   int
	Op       string
	Attempts int
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("intercom %s: HTTP %d after %d attempt(s)", e.Op, e.Status, e.Attempts)
}

// IsAuth reports whether err is an AuthError.
func IsAuth(err error) bool {
	var a *AuthError
	return errors.As(err, &a)
}
