// Package store is the pipeline's Postgres: schema migrations and every query, on a pgx pool.
package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"

	"github.com/golang-migrate/migrate/v4"
	_ "github.com/golang-migrate/migrate/v4/database/pgx/v5" // registers the pgx5:// driver
	"github.com/golang-migrate/migrate/v4/source"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"feedbackpipe/config"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Store runs the pipeline's queries on a connection pool.
type Store struct {
	pool *pgxpool.Pool
}

// Open connects a pool to databaseURL and checks that the database answers.
func Open(ctx context.Context, databaseURL string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("parse DATABASE_URL: %w", config.RedactError(err, databaseURL))
	}
	// Extraction stores each item as its call returns, from many goroutines at once; the default
	// of 4 connections would queue them. A pool_max_conns in the URL still wins.
	if !strings.Contains(databaseURL, "pool_max_conns") {
		cfg.MaxConns = 24
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("create pool: %w", config.RedactError(err, databaseURL))
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to Postgres at %s (start the local services with `make up`, or set DATABASE_URL): %w",
			Redact(databaseURL), config.RedactError(err, databaseURL))
	}
	return &Store{pool: pool}, nil
}

// Close releases the pool.
func (s *Store) Close() { s.pool.Close() }

// Pool exposes the pool to tests and tools that need raw SQL.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Migrate applies every pending migration and returns the schema version reached. Concurrent
// callers are serialised by the migration library's advisory lock.
func Migrate(databaseURL string) (uint, error) {
	src, err := iofs.New(migrationFiles, "migrations")
	if err != nil {
		return 0, fmt.Errorf("open embedded migrations: %w", err)
	}
	u, err := migrateURL(databaseURL)
	if err != nil {
		return 0, err
	}
	m, err := migrate.NewWithSourceInstance("iofs", src, u)
	if err != nil {
		return 0, fmt.Errorf("prepare migrations on %s (start the local services with `make up`, or set DATABASE_URL): %w",
			Redact(databaseURL), config.RedactError(err, databaseURL, u))
	}
	defer m.Close()
	latest, err := latestVersion(src)
	if err != nil {
		return 0, err
	}
	if current, _, err := m.Version(); err == nil && current > latest {
		return current, fmt.Errorf("the database schema is at version %d, newer than this build knows (%d): a newer "+
			"build migrated it; run that build, or rebuild this one (make build)", current, latest)
	}
	if err := m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return 0, fmt.Errorf("apply migrations: %w", config.RedactError(err, databaseURL, u))
	}
	version, dirty, err := m.Version()
	if err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	if dirty {
		return version, fmt.Errorf("schema version %d is dirty: a migration failed half-way; fix it by hand", version)
	}
	return version, nil
}

// latestVersion is the highest version among the embedded migrations.
func latestVersion(src source.Driver) (uint, error) {
	v, err := src.First()
	for err == nil {
		var next uint
		if next, err = src.Next(v); err == nil {
			v = next
		}
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("read embedded migrations: %w", err)
	}
	return v, nil
}

func migrateURL(databaseURL string) (string, error) {
	u, err := url.Parse(databaseURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("DATABASE_URL must be a postgres:// URL, got %q", Redact(databaseURL))
	}
	u.Scheme = "pgx5"
	return u.String(), nil
}

// Redact hides the passwords of a database URL in every form pgx accepts, for messages and logs.
func Redact(databaseURL string) string { return config.RedactDatabaseURL(databaseURL) }

// inTx runs fn in a transaction, committing when it returns nil.
func (s *Store) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, fn)
}
