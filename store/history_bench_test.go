package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"feedbackpipe/store"
)

// BenchmarkResolveSignature times what a worker pays, under the product area's lock, for each
// proposal its signature cache cannot match: ResolveSignature in an area whose 20 signatures
// already hold a history of themes from earlier runs (a team's daily runs over months).
//
//	REQUIRE_SERVICES=1 go test -run '^$' -bench 'Signature|RunCounters' -benchtime 100x ./store/
func BenchmarkResolveSignature(b *testing.B) {
	benchWithHistory(b, func(ctx context.Context, st *store.Store, i int) error {
		_, _, _, err := st.ResolveSignature(ctx, fmt.Sprintf("billing_refund_%d_never_arrives", i), "billing", "now")
		return err
	})
}

// BenchmarkLoadSignatures times seeding a run's signature cache over the same history.
func BenchmarkLoadSignatures(b *testing.B) {
	benchWithHistory(b, func(ctx context.Context, st *store.Store, _ int) error {
		_, _, err := st.LoadSignatures(ctx)
		return err
	})
}

// BenchmarkRunCounters times counting a run (its status, from Postgres) over the same history.
func BenchmarkRunCounters(b *testing.B) {
	benchWithHistory(b, func(ctx context.Context, st *store.Store, _ int) error {
		_, err := st.RunCounters(ctx, "now")
		return err
	})
}

// benchWithHistory times op (given the iteration) over a history of 1,000 and of 100,000.
func benchWithHistory(b *testing.B, op func(ctx context.Context, st *store.Store, i int) error) {
	for _, history := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("history=%d", history), func(b *testing.B) {
			st := storeWithHistory(b, history)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := op(context.Background(), st, i); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// storeWithHistory is a fresh store whose product area "billing" has 20 signatures holding
// history themes of an earlier run, each conversation with a vector of 256 dimensions, and the run
// "now" started.
func storeWithHistory(b *testing.B, history int) *store.Store {
	b.Helper()
	ctx := context.Background()
	st := benchStore(b)
	for _, run := range []string{"earlier", "now"} {
		require.NoError(b, st.CreateRun(ctx, store.Run{ID: run, Status: "running", Phase: "extraction", Concurrency: 64,
			WindowSince: base, WindowUntil: base.Add(24 * time.Hour), StartedAt: time.Now()}))
	}
	for _, q := range []string{`
		INSERT INTO conversations (id, created_at, messages, content_hash)
		SELECT 'h' || i, now(), '[]', 'hash' || i FROM generate_series(1, $1::int) AS i`, `
		INSERT INTO signatures (signature, product_area, first_run_id)
		SELECT 'billing_invoice_problem_' || i, 'billing', 'earlier' FROM generate_series(1, 20) AS i
		WHERE $1::int > 0`, `
		INSERT INTO themes (run_id, conversation_id, conversation_type, product_area, component, issue_signature,
			proposed_signature, matched_existing, match_confidence, user_intent, symptoms, affected_flow,
			root_cause_hypothesis, diagnostic_summary, key_excerpts, action_type, direction, resolution_action,
			resolution_category, quality_score)
		SELECT 'earlier', 'h' || i, 'product_issue', 'billing', 'invoices', 'billing_invoice_problem_' || (i % 20 + 1),
			'billing_invoice_problem_' || (i % 20 + 1), true, 'high', 'pay', '[]', 'checkout', '', '', '[]', '', '', '',
			'', 0.9
		FROM generate_series(1, $1::int) AS i`, `
		INSERT INTO embeddings (conversation_id, model, content_hash, vector, created_by_run)
		SELECT 'h' || i, 'embedder', 'hash' || i, array_fill(0.5::real, ARRAY[256]), 'earlier'
		FROM generate_series(1, $1::int) AS i`,
	} {
		_, err := st.Pool().Exec(ctx, q, history)
		require.NoError(b, err)
	}
	_, err := st.Pool().Exec(ctx, `ANALYZE`)
	require.NoError(b, err)
	return st
}

// BenchmarkBacklogThemes times loading the backlog's themes a run groups with its own, over a
// backlog of 1,000 and of 100,000 conversations (one story holding the whole history).
func BenchmarkBacklogThemes(b *testing.B) {
	for _, history := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("backlog=%d", history), func(b *testing.B) {
			st := storeWithHistory(b, history)
			ctx := context.Background()
			var storyID int64
			require.NoError(b, st.Pool().QueryRow(ctx, `
				INSERT INTO stories (story_key, title, description, signature, product_area, component, first_seen, last_seen,
					created_by_run, updated_by_run)
				VALUES ('billing_invoice_problem_1', 't', 'd', 'billing_invoice_problem_1', 'billing', 'invoices', now(), now(),
					'earlier', 'earlier') RETURNING id`).Scan(&storyID))
			_, err := st.Pool().Exec(ctx, `
				INSERT INTO group_members (conversation_id, story_id, run_id, signature)
				SELECT 'h' || i, $1, 'earlier', 'billing_invoice_problem_1' FROM generate_series(1, $2::int) AS i`, storyID, history)
			require.NoError(b, err)
			_, err = st.Pool().Exec(ctx, `ANALYZE`)
			require.NoError(b, err)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				themes, err := st.BacklogThemesForGrouping(ctx, "now", "embedder")
				if err != nil || len(themes) != history {
					b.Fatalf("%d themes, %v", len(themes), err)
				}
			}
		})
	}
}
