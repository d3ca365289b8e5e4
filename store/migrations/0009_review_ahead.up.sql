-- The groups a run reviews ahead, while its last extractions run: each candidate group as it stood
-- then, in list order, with the member-set hash its answer is cached under (story_reviews) and the
-- sample the review was shown. The stories phase reuses an answer for a group that only grew by
-- conversations extracted since. Made once per run (the first ReviewAhead to come makes it).
CREATE TABLE run_review_ahead (
    run_id      text NOT NULL REFERENCES pipeline_runs (id) ON DELETE CASCADE,
    ord         int NOT NULL,
    group_key   text NOT NULL,
    member_ids  text[] NOT NULL,
    member_hash text NOT NULL,
    sample      jsonb NOT NULL,
    PRIMARY KEY (run_id, ord)
);
