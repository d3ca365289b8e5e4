DROP VIEW IF EXISTS story_evidence, orphan_members;

CREATE TABLE story_evidence (
    story_id        bigint NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    conversation_id text NOT NULL REFERENCES conversations (id),
    run_id          text NOT NULL,
    signature       text NOT NULL,
    excerpt         text NOT NULL DEFAULT '',
    added_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (story_id, conversation_id)
);

CREATE TABLE orphan_members (
    orphan_id       bigint NOT NULL REFERENCES orphans (id) ON DELETE CASCADE,
    conversation_id text NOT NULL REFERENCES conversations (id),
    run_id          text NOT NULL,
    signature       text NOT NULL,
    excerpt         text NOT NULL DEFAULT '',
    added_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (orphan_id, conversation_id)
);

INSERT INTO story_evidence (story_id, conversation_id, run_id, signature, excerpt, added_at)
SELECT story_id, conversation_id, run_id, signature, excerpt, added_at FROM group_members WHERE story_id IS NOT NULL;

INSERT INTO orphan_members (orphan_id, conversation_id, run_id, signature, excerpt, added_at)
SELECT orphan_id, conversation_id, run_id, signature, excerpt, added_at FROM group_members WHERE orphan_id IS NOT NULL;

DROP TABLE group_moves, group_members;
ALTER TABLE stories DROP COLUMN closed_at;
ALTER TABLE orphans DROP COLUMN closed_at;
