-- Intercom as a source, and scheduled runs.
-- A run may start with a fetch phase; its counters are mirrored in pipeline_runs.
ALTER TABLE pipeline_runs DROP CONSTRAINT pipeline_runs_phase_check;
ALTER TABLE pipeline_runs ADD CONSTRAINT pipeline_runs_phase_check
    CHECK (phase IN ('fetch', 'extraction', 'embedding', 'stories', 'completed'));
ALTER TABLE pipeline_runs
    ADD COLUMN conversations_fetched integer NOT NULL DEFAULT 0,
    ADD COLUMN conversations_skipped integer NOT NULL DEFAULT 0,
    ADD COLUMN conversations_stored  integer NOT NULL DEFAULT 0,
    ADD COLUMN conversations_skipped_by jsonb NOT NULL DEFAULT '{}';

-- The durable paging of a run's fetch: the cursor of the next page to fetch, written in the
-- transaction that stores a page's conversations, so a resumed fetch starts at the next page and
-- nothing is stored or counted twice. done is set once the last page is stored.
CREATE TABLE run_fetches (
    run_id      text PRIMARY KEY REFERENCES pipeline_runs (id) ON DELETE CASCADE,
    next_cursor text NOT NULL DEFAULT '',
    pages       integer NOT NULL DEFAULT 0,
    done        boolean NOT NULL DEFAULT false,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Every start of a Temporal Schedule's run: the window it asked for and what the run index
-- answered. The next window of a schedule starts where its last completed run's window ended.
CREATE TABLE schedule_runs (
    schedule     text NOT NULL,
    run_id       text NOT NULL,
    window_since timestamptz NOT NULL,
    window_until timestamptz NOT NULL,
    outcome      text NOT NULL CHECK (outcome IN ('requested', 'admitted', 'refused')),
    message      text NOT NULL DEFAULT '',
    requested_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (schedule, run_id)
);
CREATE INDEX schedule_runs_recent_idx ON schedule_runs (schedule, requested_at DESC);
