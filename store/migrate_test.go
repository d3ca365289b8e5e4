package store_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"feedbackpipe/store"
	"feedbackpipe/testenv"
)

func TestMigrateAppliesOnceAndIsIdempotent(t *testing.T) {
	url := testenv.Database(t)
	ctx := context.Background()

	first, err := store.Migrate(url)
	require.NoError(t, err)
	assert.Equal(t, latestMigration(t), first, "schema version after the first migration")

	st, err := store.Open(ctx, url)
	require.NoError(t, err)
	defer st.Close()

	tables := []string{
		"conversations", "pipeline_runs", "run_conversations", "signatures", "signature_aliases",
		"extractions", "themes", "embeddings", "embedding_failures", "run_llm_usage", "stories",
		"story_evidence", "orphans", "orphan_members", "run_group_actions", "dry_run_previews",
	}
	for _, table := range tables {
		assert.Equal(t, 1, count(t, st, `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = $1`, table),
			"table %s exists", table)
	}
	// Data written before the second Migrate survives it: the second call changes nothing.
	_, err = st.UpsertConversations(ctx, makeConvs(1))
	require.NoError(t, err)

	second, err := store.Migrate(url)
	require.NoError(t, err, "a second Migrate is a no-op")
	assert.Equal(t, first, second)

	var version int
	var dirty bool
	require.NoError(t, st.Pool().QueryRow(ctx, `SELECT version, dirty FROM schema_migrations`).Scan(&version, &dirty))
	assert.Equal(t, int(latestMigration(t)), version)
	assert.False(t, dirty)
	assert.Equal(t, 1, count(t, st, `SELECT count(*) FROM schema_migrations`))
	assert.Equal(t, 1, count(t, st, `SELECT count(*) FROM conversations`), "data kept across the second Migrate")
}

// latestMigration is the highest version among the migration files.
func latestMigration(t *testing.T) uint {
	t.Helper()
	files, err := os.ReadDir("migrations")
	require.NoError(t, err)
	var latest uint
	for _, f := range files {
		var v uint
		if _, err := fmt.Sscanf(f.Name(), "%d_", &v); err == nil {
			latest = max(latest, v)
		}
	}
	require.NotZero(t, latest)
	return latest
}

func TestMigrateRejectsNonPostgresURL(t *testing.T) {
	_, err := store.Migrate("mysql://user:secret@localhost/db")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "secret", "the password is redacted")
}

// TestMigrateNamesASchemaNewerThanTheBuild: a database a newer build migrated is refused with
// both versions and what to do, and left as it is.
func TestMigrateNamesASchemaNewerThanTheBuild(t *testing.T) {
	url := testenv.Database(t)
	latest, err := store.Migrate(url)
	require.NoError(t, err)
	st, err := store.Open(context.Background(), url)
	require.NoError(t, err)
	defer st.Close()
	_, err = st.Pool().Exec(context.Background(), `UPDATE schema_migrations SET version = $1`, latest+1)
	require.NoError(t, err)

	_, err = store.Migrate(url)
	require.Error(t, err)
	assert.Contains(t, err.Error(), fmt.Sprintf("schema is at version %d, newer than this build knows (%d)", latest+1, latest))
	assert.Contains(t, err.Error(), "make build")
	assert.Equal(t, int(latest+1), count(t, st, `SELECT version FROM schema_migrations`), "left as it was")
}
