-- What a product manager decided about a story, keyed by the story's stable key so it survives
-- a story being closed and reopened. A story without a row is 'new'. Runs never write here: a
-- later run updates a rejected story's members and counts but not its triage. A story marked
-- 'done' whose last conversation is dated after set_at reads as regressed.
CREATE TABLE story_triage (
    story_key text PRIMARY KEY,
    status    text NOT NULL CHECK (status IN ('new', 'accepted', 'rejected', 'done')),
    set_by    text NOT NULL,
    set_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX story_triage_status_idx ON story_triage (status);
