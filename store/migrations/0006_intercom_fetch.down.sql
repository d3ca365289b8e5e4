DROP TABLE IF EXISTS schedule_runs;
DROP TABLE IF EXISTS run_fetches;
ALTER TABLE pipeline_runs
    DROP COLUMN IF EXISTS conversations_fetched,
    DROP COLUMN IF EXISTS conversations_skipped,
    DROP COLUMN IF EXISTS conversations_stored,
    DROP COLUMN IF EXISTS conversations_skipped_by;
UPDATE pipeline_runs SET phase = 'extraction' WHERE phase = 'fetch';
ALTER TABLE pipeline_runs DROP CONSTRAINT pipeline_runs_phase_check;
ALTER TABLE pipeline_runs ADD CONSTRAINT pipeline_runs_phase_check
    CHECK (phase IN ('extraction', 'embedding', 'stories', 'completed'));
