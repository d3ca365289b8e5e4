DROP TABLE run_group_reviews, story_reviews;
ALTER TABLE stories
    DROP COLUMN user_story, DROP COLUMN acceptance_criteria, DROP COLUMN investigation_hints,
    DROP COLUMN severity, DROP COLUMN verdict, DROP COLUMN verdict_reason;
