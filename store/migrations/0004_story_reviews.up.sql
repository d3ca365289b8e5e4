-- Story review: an LLM call per candidate group keeps it (and writes the story), splits it into
-- sub-groups, or rejects it as not one actionable issue.

-- The written story's fields; empty for a story drafted mechanically.
ALTER TABLE stories
    ADD COLUMN user_story          text NOT NULL DEFAULT '',
    ADD COLUMN acceptance_criteria text[] NOT NULL DEFAULT '{}',
    ADD COLUMN investigation_hints text[] NOT NULL DEFAULT '{}',
    ADD COLUMN severity            text NOT NULL DEFAULT '',
    ADD COLUMN verdict             text NOT NULL DEFAULT '',
    ADD COLUMN verdict_reason      text NOT NULL DEFAULT '';

-- Review answers by member set, prompt version and model: a re-run over an unchanged group
-- sends nothing.
CREATE TABLE story_reviews (
    member_hash    text NOT NULL,
    prompt_version text NOT NULL,
    model          text NOT NULL,
    answer         jsonb NOT NULL,
    created_by_run text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (member_hash, prompt_version, model)
);

-- What each run's review decided for each candidate group: keep, split (into part_keys), reject,
-- or fallback (the review failed: the mechanical draft was written). reason is a short code.
CREATE TABLE run_group_reviews (
    run_id     text NOT NULL REFERENCES pipeline_runs (id) ON DELETE CASCADE,
    group_key  text NOT NULL,
    verdict    text NOT NULL CHECK (verdict IN ('keep', 'split', 'reject', 'fallback')),
    reason     text NOT NULL DEFAULT '',
    member_ids text[] NOT NULL DEFAULT '{}',
    part_keys  text[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, group_key)
);
