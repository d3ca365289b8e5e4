UPDATE run_group_actions SET action = 'story_updated' WHERE action = 'story_unchanged';
UPDATE run_group_actions SET action = 'orphan_updated' WHERE action = 'orphan_unchanged';
ALTER TABLE run_group_actions DROP CONSTRAINT run_group_actions_action_check;
ALTER TABLE run_group_actions ADD CONSTRAINT run_group_actions_action_check CHECK (action IN (
    'story_created', 'story_updated', 'orphan_created', 'orphan_updated', 'orphan_graduated', 'failed'));
