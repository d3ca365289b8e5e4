-- One conversation, one group: a conversation is a member of at most one story or orphan at a
-- time. group_members replaces story_evidence and orphan_members (which stay as views for
-- readers); its primary key on conversation_id makes the rule the schema's, so no writer, however
-- concurrent, can break it. A later run that regroups a conversation moves its row and records
-- the move in group_moves.

ALTER TABLE stories ADD COLUMN closed_at timestamptz;
ALTER TABLE orphans ADD COLUMN closed_at timestamptz;

CREATE TABLE group_members (
    conversation_id text PRIMARY KEY REFERENCES conversations (id),
    story_id        bigint REFERENCES stories (id) ON DELETE CASCADE,
    orphan_id       bigint REFERENCES orphans (id) ON DELETE CASCADE,
    run_id          text NOT NULL,
    signature       text NOT NULL,
    excerpt         text NOT NULL DEFAULT '',
    added_at        timestamptz NOT NULL DEFAULT now(),
    CHECK ((story_id IS NULL) <> (orphan_id IS NULL))
);
CREATE INDEX group_members_story_idx ON group_members (story_id) WHERE story_id IS NOT NULL;
CREATE INDEX group_members_orphan_idx ON group_members (orphan_id) WHERE orphan_id IS NOT NULL;
CREATE INDEX group_members_run_idx ON group_members (run_id);

-- Every time a run took a conversation out of one group into another (graduation of an orphan
-- into the story of its key is not a move: the orphan records it).
CREATE TABLE group_moves (
    id              bigserial PRIMARY KEY,
    run_id          text NOT NULL,
    conversation_id text NOT NULL REFERENCES conversations (id),
    from_kind       text NOT NULL CHECK (from_kind IN ('story', 'orphan')),
    from_key        text NOT NULL,
    to_kind         text NOT NULL CHECK (to_kind IN ('story', 'orphan')),
    to_key          text NOT NULL,
    moved_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX group_moves_run_idx ON group_moves (run_id, conversation_id);
CREATE INDEX group_moves_conversation_idx ON group_moves (conversation_id, moved_at);

-- Existing memberships: a conversation in several groups stays in the most recently updated one
-- (a story before an orphan on a tie); leaving the others is recorded as a move by the run that
-- last updated the group it stays in. A graduated orphan's members are its story's already.
CREATE TEMPORARY TABLE membership_candidates AS
SELECT c.*, row_number() OVER (PARTITION BY c.conversation_id
                               ORDER BY c.group_updated_at DESC, c.kind DESC, c.group_id DESC) AS rank
FROM (
    SELECT e.conversation_id, 'story' AS kind, s.id AS group_id, s.story_key AS group_key,
        s.updated_at AS group_updated_at, s.updated_by_run, e.run_id, e.signature, e.excerpt, e.added_at
    FROM story_evidence e JOIN stories s ON s.id = e.story_id
    UNION ALL
    SELECT m.conversation_id, 'orphan', o.id, o.orphan_key, o.updated_at, o.updated_by_run,
        m.run_id, m.signature, m.excerpt, m.added_at
    FROM orphan_members m JOIN orphans o ON o.id = m.orphan_id
    WHERE o.graduated_at IS NULL
) c;

INSERT INTO group_members (conversation_id, story_id, orphan_id, run_id, signature, excerpt, added_at)
SELECT conversation_id,
    CASE WHEN kind = 'story' THEN group_id END,
    CASE WHEN kind = 'orphan' THEN group_id END,
    run_id, signature, excerpt, added_at
FROM membership_candidates WHERE rank = 1;

INSERT INTO group_moves (run_id, conversation_id, from_kind, from_key, to_kind, to_key)
SELECT kept.updated_by_run, left_.conversation_id, left_.kind, left_.group_key, kept.kind, kept.group_key
FROM membership_candidates left_
JOIN membership_candidates kept ON kept.conversation_id = left_.conversation_id AND kept.rank = 1
WHERE left_.rank > 1
ORDER BY left_.conversation_id, left_.rank;

-- Counts and spans from the members kept; a group left empty is closed.
UPDATE stories s SET
    conversation_count = coalesce(m.n, 0),
    first_seen = coalesce(m.first_seen, s.first_seen),
    last_seen = coalesce(m.last_seen, s.last_seen),
    closed_at = CASE WHEN coalesce(m.n, 0) = 0 THEN now() END
FROM stories s2
LEFT JOIN (
    SELECT g.story_id, count(*) AS n, min(c.created_at) AS first_seen, max(c.created_at) AS last_seen
    FROM group_members g JOIN conversations c ON c.id = g.conversation_id
    WHERE g.story_id IS NOT NULL GROUP BY g.story_id
) m ON m.story_id = s2.id
WHERE s2.id = s.id;

UPDATE orphans o SET
    first_seen = coalesce(m.first_seen, o.first_seen),
    last_seen = coalesce(m.last_seen, o.last_seen),
    closed_at = CASE WHEN coalesce(m.n, 0) = 0 THEN now() END
FROM orphans o2
LEFT JOIN (
    SELECT g.orphan_id, count(*) AS n, min(c.created_at) AS first_seen, max(c.created_at) AS last_seen
    FROM group_members g JOIN conversations c ON c.id = g.conversation_id
    WHERE g.orphan_id IS NOT NULL GROUP BY g.orphan_id
) m ON m.orphan_id = o2.id
WHERE o2.id = o.id AND o.graduated_at IS NULL;

DROP TABLE membership_candidates;
DROP TABLE story_evidence, orphan_members;

-- The old tables' shapes, for readers: the current members of each story and orphan.
CREATE VIEW story_evidence AS
SELECT story_id, conversation_id, run_id, signature, excerpt, added_at
FROM group_members WHERE story_id IS NOT NULL;

CREATE VIEW orphan_members AS
SELECT orphan_id, conversation_id, run_id, signature, excerpt, added_at
FROM group_members WHERE orphan_id IS NOT NULL;
