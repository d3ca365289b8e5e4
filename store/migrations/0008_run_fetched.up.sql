-- The conversations a run's Intercom fetch stored (found created or updated in its window). They
-- join the run's selection even when created before the window, so a conversation updated since
-- (a new customer reply) is extracted again; an unchanged one reuses its cached theme.
CREATE TABLE run_fetched (
    run_id          text NOT NULL REFERENCES pipeline_runs (id) ON DELETE CASCADE,
    conversation_id text NOT NULL,
    PRIMARY KEY (run_id, conversation_id)
);
