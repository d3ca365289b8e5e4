-- A run that writes a group whose story or orphan already holds every member, with the same
-- text, changes nothing: it records story_unchanged or orphan_unchanged, which no counter counts,
-- instead of story_updated or orphan_updated.
ALTER TABLE run_group_actions DROP CONSTRAINT run_group_actions_action_check;
ALTER TABLE run_group_actions ADD CONSTRAINT run_group_actions_action_check CHECK (action IN (
    'story_created', 'story_updated', 'story_unchanged', 'orphan_created', 'orphan_updated', 'orphan_unchanged',
    'orphan_graduated', 'failed'));
