// Package integration holds the end-to-end tests: real pipeline runs on the Temporal dev server
// and Postgres that `make up` starts, through the same worker assembly the worker binary uses.
package integration
