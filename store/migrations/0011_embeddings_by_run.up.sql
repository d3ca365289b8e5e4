-- The vectors a run created, counted by store.RunCounters (the run's embeddings_generated) without
-- reading every vector ever stored.
CREATE INDEX embeddings_created_by_run_idx ON embeddings (created_by_run);
