package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"

	"feedbackpipe/conversation"
	"feedbackpipe/ingest"
	"feedbackpipe/sampledata"
	"feedbackpipe/store"
)

// scratchDB is a database the benchmark creates and drops.
type scratchDB struct {
	admin, name, url string
	st               *store.Store
}

func newScratchDB(ctx context.Context, adminURL, name string) (*scratchDB, error) {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return nil, fmt.Errorf("connect to Postgres (start it with `make up`): %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return nil, fmt.Errorf("create database %s: %w", name, err)
	}
	u, err := url.Parse(adminURL)
	if err != nil {
		return nil, fmt.Errorf("parse DATABASE_URL: %w", err)
	}
	u.Path = "/" + name
	db := &scratchDB{admin: adminURL, name: name, url: u.String()}
	if _, err := store.Migrate(db.url); err != nil {
		return db, err
	}
	if db.st, err = store.Open(ctx, db.url); err != nil {
		return db, err
	}
	return db, nil
}

// importSynthetic stores n distinct conversations made from the shipped sample: new IDs and a
// varied first message, so no content cache applies. It returns the earliest creation time.
func (db *scratchDB) importSynthetic(ctx context.Context, n int) (time.Time, error) {
	return db.importVariants(ctx, n, "bench_%07d", "%s (ticket %d)", 0)
}

// importHistory stores n more conversations made the same way but other ones (their own IDs and
// first messages), created historyAge before the sample's: an earlier period of the team's.
func (db *scratchDB) importHistory(ctx context.Context, n int) error {
	_, err := db.importVariants(ctx, n, "history_%07d", "%s (earlier ticket %d)", -historyAge)
	return err
}

// historyAge is how much older than the measured run's conversations BENCH_HISTORY's are.
const historyAge = 365 * 24 * time.Hour

// importVariants stores n conversations of the sample, the i-th with ID idFormat(i) and its first
// message textFormat(text, i), created shift from the sample's time; it returns the earliest.
func (db *scratchDB) importVariants(ctx context.Context, n int, idFormat, textFormat string, shift time.Duration) (time.Time, error) {
	res, err := ingest.Read("conversations.jsonl", bytes.NewReader(sampledata.ConversationsJSONL()), false)
	if err != nil {
		return time.Time{}, fmt.Errorf("read the sample conversations: %w", err)
	}
	sample := res.Conversations
	var earliest time.Time
	const chunk = 5000
	for from := 0; from < n; from += chunk {
		part := make([]conversation.Conversation, 0, min(chunk, n-from))
		for i := from; i < min(from+chunk, n); i++ {
			c := sample[i%len(sample)]
			c.ID = fmt.Sprintf(idFormat, i)
			c.CreatedAt = c.CreatedAt.Add(shift)
			msgs := append([]conversation.Message(nil), c.Messages...)
			msgs[0].Text = fmt.Sprintf(textFormat, msgs[0].Text, i)
			for m := range msgs {
				if !msgs[m].CreatedAt.IsZero() {
					msgs[m].CreatedAt = msgs[m].CreatedAt.Add(shift)
				}
			}
			c.Messages = msgs
			if earliest.IsZero() || c.CreatedAt.Before(earliest) {
				earliest = c.CreatedAt
			}
			part = append(part, c)
		}
		if _, err := db.st.UpsertConversations(ctx, part); err != nil {
			return time.Time{}, err
		}
	}
	return earliest, nil
}

func (db *scratchDB) size(ctx context.Context) (int64, error) {
	var n int64
	if err := db.st.Pool().QueryRow(ctx, `SELECT pg_database_size(current_database())`).Scan(&n); err != nil {
		return 0, fmt.Errorf("read database size: %w", err)
	}
	return n, nil
}

// drop removes the database (measure keeps it for a look with BENCH_KEEP_DB=1).
func (db *scratchDB) drop(ctx context.Context, logger *slog.Logger) {
	if db.st != nil {
		db.st.Close()
	}
	conn, err := pgx.Connect(ctx, db.admin)
	if err != nil {
		logger.Warn("drop the benchmark database", "database", db.name, "error", err)
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{db.name}.Sanitize()+" WITH (FORCE)"); err != nil {
		logger.Warn("drop the benchmark database", "database", db.name, "error", err)
	}
}
