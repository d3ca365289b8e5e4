DROP TABLE IF EXISTS dry_run_previews, run_group_actions, orphan_members, orphans, story_evidence,
    stories, embedding_failures, run_llm_usage, embeddings, themes, extractions, signature_aliases, signatures,
    run_conversations, pipeline_runs, conversations;
