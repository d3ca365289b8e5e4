DROP TABLE story_triage;
