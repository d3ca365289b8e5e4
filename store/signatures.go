package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"feedbackpipe/signature"
)

// signatureTimeout bounds each signature query, so a stuck database fails the batch (and Temporal
// retries it) instead of hanging an extraction.
const signatureTimeout = 10 * time.Second

// signatureRow is a canonical signature as the loaders read it: the themes stored under it, and
// up to signature.EstablishedAfter distinct conversations of those themes.
type signatureRow struct {
	Signature   string   `db:"signature"`
	ProductArea string   `db:"product_area"`
	Themes      int      `db:"themes"`
	Seen        []string `db:"seen"`
	FirstRunID  string   `db:"first_run_id"`
}

func (r signatureRow) entry() signature.Entry {
	return signature.Entry{Signature: r.Signature, ProductArea: r.ProductArea, Count: r.Themes, Seen: r.Seen,
		FirstRunID: r.FirstRunID}
}

// signatureSeen joins to each signature s its first @established (signature.EstablishedAfter)
// distinct conversations, as seen.ids: read in order off themes_signature_conversation_idx, it
// stops after them however many themes the signature holds.
const signatureSeen = `CROSS JOIN LATERAL (SELECT array_agg(d.conversation_id) AS ids FROM (
		SELECT DISTINCT t.conversation_id FROM themes t WHERE t.issue_signature = s.signature
		ORDER BY t.conversation_id LIMIT @established) d) seen`

type aliasRow struct {
	Alias     string `db:"alias"`
	Canonical string `db:"canonical"`
}

// LoadSignatures returns every canonical signature (most used first), with the distinct
// conversations that establish it, and the alias table. Its signature is a signature.Loader, so
// the worker's signature caches are seeded from it directly.
func (s *Store) LoadSignatures(ctx context.Context) ([]signature.Entry, map[string]string, error) {
	ctx, cancel := context.WithTimeout(ctx, signatureTimeout)
	defer cancel()
	rows, err := s.pool.Query(ctx, `
		SELECT s.signature, s.product_area, coalesce(n.themes, 0) AS themes, coalesce(seen.ids, '{}') AS seen,
			s.first_run_id
		FROM signatures s
		LEFT JOIN (SELECT issue_signature, count(*)::int AS themes FROM themes GROUP BY issue_signature) n
			ON n.issue_signature = s.signature
		`+signatureSeen+`
		ORDER BY themes DESC, s.signature`,
		pgx.NamedArgs{"established": signature.EstablishedAfter})
	if err != nil {
		return nil, nil, fmt.Errorf("load signatures: %w", err)
	}
	sigs, err := collectEntries(rows)
	if err != nil {
		return nil, nil, fmt.Errorf("load signatures: %w", err)
	}
	rows, err = s.pool.Query(ctx, `SELECT alias, canonical FROM signature_aliases`)
	if err != nil {
		return nil, nil, fmt.Errorf("load aliases: %w", err)
	}
	aliases, err := collectAliases(rows)
	if err != nil {
		return nil, nil, fmt.Errorf("load aliases: %w", err)
	}
	return sigs, aliases, nil
}

// CanonicalSignature canonicalizes a real run's proposal: the worker's cache answers what it
// matches (alias, exact, near-duplicate) from memory; a proposal it would mint is decided by
// ResolveSignature in Postgres, and the cache learns what that found. conversationID counts
// towards the signature being established (signature.EstablishedAfter). A proposal that is not
// specific enough fails with a *signature.NotSpecificError; any other error is the database's.
func (s *Store) CanonicalSignature(ctx context.Context, cache *signature.Cache,
	proposed, productArea, runID, conversationID string) (signature.Resolution, error) {
	res, ok, err := cache.Match(proposed, productArea, conversationID)
	if err != nil || ok {
		return res, err
	}
	res, found, aliases, err := s.ResolveSignature(ctx, proposed, productArea, runID)
	if err != nil {
		return signature.Resolution{}, err
	}
	cache.Learn(found, aliases)
	cache.Record(res, proposed, conversationID)
	return res, nil
}

// resolveCountCap bounds the themes ResolveSignature counts under each signature it reads. The
// count only ranks the prompt's list (signature.Entry.Count), and Cache.Learn keeps the larger of
// its own count and the one read, so a signature already in the cache keeps its full count; one it
// learns here counts at least this many. Counting every theme cost, under the area's lock, time
// that grows with the team's whole history: 90–145 ms a proposal with 100,000 themes in the area
// (BenchmarkResolveSignature), where the capped count and the index take about 2 ms.
const resolveCountCap = 100

// ResolveSignature decides a proposal that the worker's signature cache could not match, where
// every worker sees the decision. In one transaction it takes the product area's advisory lock,
// reads the canonical signatures that exist now (those of the area, and the proposal itself or
// what it is an alias of, whatever their area; each with its first signature.EstablishedAfter
// distinct conversations and at most resolveCountCap themes counted), and resolves the proposal
// against them with the cache's rules (signature.Decide). Only when none matches does it insert
// the new signature (first_run_id runID); when one matches it records the proposal as that
// signature's alias.
// Concurrent proposals of one area, from any worker, are thus decided one after the other and
// converge. It returns the decision and what it read (the signature decided included), for the
// caller's cache to learn.
//
// Resolution.Minted says this call created the signature row. It does not decide themes_new:
// SaveExtraction does, from the row's first_run_id, so a crash between this commit and the save
// neither loses nor doubles the count.
//
// The lock is per area, so one spelling proposed under two areas at once is decided by the
// signature's primary key instead: the second insert finds the row and reuses it.
func (s *Store) ResolveSignature(ctx context.Context, proposed, productArea, runID string) (
	signature.Resolution, []signature.Entry, map[string]string, error) {
	ctx, cancel := context.WithTimeout(ctx, signatureTimeout)
	defer cancel()
	sig, area := signature.Normalize(proposed), signature.Normalize(productArea)
	var (
		res     signature.Resolution
		found   []signature.Entry
		aliases map[string]string
	)
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		args := pgx.NamedArgs{"area": area, "proposed": sig, "run": runID, "established": signature.EstablishedAfter,
			"countCap": resolveCountCap}
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('signature-area:' || @area, 0))`, args); err != nil {
			return fmt.Errorf("lock product area: %w", err)
		}
		rows, err := tx.Query(ctx, `
			SELECT s.signature, s.product_area, n.themes, coalesce(seen.ids, '{}') AS seen, s.first_run_id
			FROM signatures s
			CROSS JOIN LATERAL (SELECT count(*)::int AS themes FROM (
				SELECT 1 FROM themes t WHERE t.issue_signature = s.signature
				ORDER BY t.conversation_id LIMIT @countCap) c) n
			`+signatureSeen+`
			WHERE s.product_area = @area OR s.signature = @proposed
				OR s.signature IN (SELECT canonical FROM signature_aliases WHERE alias = @proposed)`, args)
		if err != nil {
			return fmt.Errorf("read signatures: %w", err)
		}
		if found, err = collectEntries(rows); err != nil {
			return fmt.Errorf("read signatures: %w", err)
		}
		rows, err = tx.Query(ctx, `
			SELECT a.alias, a.canonical FROM signature_aliases a JOIN signatures s ON s.signature = a.canonical
			WHERE s.product_area = @area OR a.alias = @proposed`, args)
		if err != nil {
			return fmt.Errorf("read aliases: %w", err)
		}
		if aliases, err = collectAliases(rows); err != nil {
			return fmt.Errorf("read aliases: %w", err)
		}
		if res, err = signature.Decide(sig, area, found, aliases); err != nil {
			return err
		}
		if !res.Minted {
			if res.Alias {
				args["canonical"] = res.Canonical
				if _, err := tx.Exec(ctx, `
					INSERT INTO signature_aliases (alias, canonical, first_run_id) VALUES (@proposed, @canonical, @run)
					ON CONFLICT (alias) DO NOTHING`, args); err != nil {
					return fmt.Errorf("record alias: %w", err)
				}
				aliases[sig] = res.Canonical
			}
			return nil
		}
		var stored, firstRun string
		err = tx.QueryRow(ctx, `
			INSERT INTO signatures (signature, product_area, first_run_id) VALUES (@proposed, @area, @run)
			ON CONFLICT (signature) DO NOTHING RETURNING product_area, first_run_id`, args).Scan(&stored, &firstRun)
		if errors.Is(err, pgx.ErrNoRows) {
			// Minted meanwhile under another area's lock: reuse it.
			res.Minted = false
			err = tx.QueryRow(ctx, `SELECT product_area, first_run_id FROM signatures WHERE signature = @proposed`, args).
				Scan(&stored, &firstRun)
		}
		if err != nil {
			return fmt.Errorf("insert signature: %w", err)
		}
		res.ProductArea, res.FirstRunID = stored, firstRun
		found = append(found, signature.Entry{Signature: sig, ProductArea: stored, FirstRunID: firstRun})
		return nil
	})
	if err != nil {
		return signature.Resolution{}, nil, nil, fmt.Errorf("resolve signature %q of area %q in run %s: %w", sig, area, runID, err)
	}
	return res, found, aliases, nil
}

func collectEntries(rows pgx.Rows) ([]signature.Entry, error) {
	rs, err := pgx.CollectRows(rows, pgx.RowToStructByName[signatureRow])
	if err != nil {
		return nil, err
	}
	out := make([]signature.Entry, len(rs))
	for i, r := range rs {
		out[i] = r.entry()
	}
	return out, nil
}

func collectAliases(rows pgx.Rows) (map[string]string, error) {
	rs, err := pgx.CollectRows(rows, pgx.RowToStructByName[aliasRow])
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(rs))
	for _, r := range rs {
		out[r.Alias] = r.Canonical
	}
	return out, nil
}

// sightingsBatch bounds the sightings one call returns; the next call continues after them.
const sightingsBatch = 5000

// sightingsOverlap is how far behind its cursor a call reads again: themes ids are taken at insert
// and committed a moment later, so concurrent saves commit out of id order. Reading the last ids
// again (a conversation counts once however often it is seen) catches those late commits.
const sightingsOverlap = 256

// SignatureSightings returns the run's themes stored after cursor (a themes id), as sightings
// of their signatures, with the cursor to continue from. Every worker of the run learns from
// them which signatures other workers' conversations established. Each call reads the last
// sightingsOverlap ids before cursor again; a theme committed even later than that is skipped,
// which only offers its signature later, never wrongly.
func (s *Store) SignatureSightings(ctx context.Context, runID string, cursor int64) ([]signature.Sighting, int64, error) {
	ctx, cancel := context.WithTimeout(ctx, signatureTimeout)
	defer cancel()
	rows, err := s.pool.Query(ctx, `
		SELECT id, issue_signature AS signature, product_area, conversation_id FROM themes
		WHERE run_id = @run AND id > @from ORDER BY id LIMIT @limit`,
		pgx.NamedArgs{"run": runID, "from": max(cursor-sightingsOverlap, 0), "limit": sightingsBatch})
	if err != nil {
		return nil, cursor, fmt.Errorf("read signature sightings of run %s: %w", runID, err)
	}
	type sightingRow struct {
		ID int64 `db:"id"`
		signature.Sighting
	}
	rs, err := pgx.CollectRows(rows, pgx.RowToStructByName[sightingRow])
	if err != nil {
		return nil, cursor, fmt.Errorf("read signature sightings of run %s: %w", runID, err)
	}
	out := make([]signature.Sighting, len(rs))
	for i, r := range rs {
		out[i], cursor = r.Sighting, max(cursor, r.ID)
	}
	return out, cursor, nil
}
