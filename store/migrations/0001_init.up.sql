-- Conversations imported from files; upserted by id.
CREATE TABLE conversations (
    id           text PRIMARY KEY,
    created_at   timestamptz NOT NULL,
    subject      text NOT NULL DEFAULT '',
    messages     jsonb NOT NULL,
    source_url   text NOT NULL DEFAULT '',
    contact      text NOT NULL DEFAULT '',
    content_hash text NOT NULL,
    imported_at  timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversations_created_at_idx ON conversations (created_at, id);

-- One row per run, mirroring the workflow's status for SQL consumers.
CREATE TABLE pipeline_runs (
    id                     text PRIMARY KEY,
    status                 text NOT NULL CHECK (status IN ('running', 'stopping', 'stopped', 'completed', 'failed')),
    phase                  text NOT NULL CHECK (phase IN ('extraction', 'embedding', 'stories', 'completed')),
    dry_run                boolean NOT NULL DEFAULT false,
    create_stories         boolean NOT NULL DEFAULT true,
    concurrency            integer NOT NULL,
    max_conversations      integer NOT NULL DEFAULT 0,
    window_since           timestamptz NOT NULL,
    window_until           timestamptz NOT NULL,
    started_at             timestamptz NOT NULL,
    ended_at               timestamptz,
    conversations_selected integer NOT NULL DEFAULT 0,
    themes_extracted       integer NOT NULL DEFAULT 0,
    themes_new             integer NOT NULL DEFAULT 0,
    themes_filtered        integer NOT NULL DEFAULT 0,
    extraction_failed      integer NOT NULL DEFAULT 0,
    not_actionable         integer NOT NULL DEFAULT 0,
    embeddings_generated   integer NOT NULL DEFAULT 0,
    embeddings_failed      integer NOT NULL DEFAULT 0,
    stories_created        integer NOT NULL DEFAULT 0,
    stories_updated        integer NOT NULL DEFAULT 0,
    orphans_created        integer NOT NULL DEFAULT 0,
    orphans_updated        integer NOT NULL DEFAULT 0,
    orphans_graduated      integer NOT NULL DEFAULT 0,
    groups_failed          integer NOT NULL DEFAULT 0,
    llm_calls              integer NOT NULL DEFAULT 0,
    tokens_in              bigint NOT NULL DEFAULT 0,
    tokens_out             bigint NOT NULL DEFAULT 0,
    cost_usd               numeric(14, 6) NOT NULL DEFAULT 0,
    failure_message        text NOT NULL DEFAULT ''
);
CREATE INDEX pipeline_runs_started_idx ON pipeline_runs (started_at DESC);

-- The conversations a run selected, numbered so batches are ranges of seq.
CREATE TABLE run_conversations (
    run_id          text NOT NULL REFERENCES pipeline_runs (id) ON DELETE CASCADE,
    seq             integer NOT NULL,
    conversation_id text NOT NULL REFERENCES conversations (id),
    PRIMARY KEY (run_id, seq),
    UNIQUE (run_id, conversation_id)
);

-- Canonical signatures; one row per signature, ever.
CREATE TABLE signatures (
    signature    text PRIMARY KEY,
    product_area text NOT NULL,
    first_run_id text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- Proposed spellings that map to a canonical signature.
CREATE TABLE signature_aliases (
    alias        text PRIMARY KEY,
    canonical    text NOT NULL REFERENCES signatures (signature),
    first_run_id text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- The outcome of extraction for each conversation of each run, failures included.
CREATE TABLE extractions (
    run_id            text NOT NULL REFERENCES pipeline_runs (id) ON DELETE CASCADE,
    conversation_id   text NOT NULL REFERENCES conversations (id),
    outcome           text NOT NULL CHECK (outcome IN ('theme', 'not_actionable', 'filtered', 'failed')),
    conversation_type text NOT NULL DEFAULT '',
    signature         text NOT NULL DEFAULT '',
    minted            boolean NOT NULL DEFAULT false,
    detail            text NOT NULL DEFAULT '',
    llm_calls         integer NOT NULL DEFAULT 0,
    tokens_in         integer NOT NULL DEFAULT 0,
    tokens_out        integer NOT NULL DEFAULT 0,
    cost_usd          numeric(14, 6) NOT NULL DEFAULT 0,
    cached            boolean NOT NULL DEFAULT false,
    content_hash      text NOT NULL,
    prompt_version    text NOT NULL,
    model             text NOT NULL,
    result            jsonb,
    extracted_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, conversation_id)
);
CREATE INDEX extractions_cache_idx ON extractions (conversation_id, content_hash, prompt_version, model) WHERE outcome <> 'failed';

-- One theme per conversation per run (real runs only).
CREATE TABLE themes (
    id                    bigserial PRIMARY KEY,
    run_id                text NOT NULL REFERENCES pipeline_runs (id) ON DELETE CASCADE,
    conversation_id       text NOT NULL REFERENCES conversations (id),
    conversation_type     text NOT NULL,
    product_area          text NOT NULL,
    component             text NOT NULL,
    issue_signature       text NOT NULL REFERENCES signatures (signature),
    proposed_signature    text NOT NULL,
    matched_existing      boolean NOT NULL,
    match_confidence      text NOT NULL,
    user_intent           text NOT NULL,
    symptoms              jsonb NOT NULL,
    affected_flow         text NOT NULL,
    root_cause_hypothesis text NOT NULL,
    diagnostic_summary    text NOT NULL,
    key_excerpts          jsonb NOT NULL,
    action_type           text NOT NULL,
    direction             text NOT NULL,
    resolution_action     text NOT NULL,
    resolution_category   text NOT NULL,
    quality_score         real NOT NULL,
    extracted_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (run_id, conversation_id)
);
CREATE INDEX themes_signature_idx ON themes (issue_signature);

-- Vectors keyed by conversation, model and content, so unchanged conversations are embedded once.
CREATE TABLE embeddings (
    conversation_id text NOT NULL REFERENCES conversations (id),
    model           text NOT NULL,
    content_hash    text NOT NULL,
    vector          real[] NOT NULL,
    created_by_run  text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (conversation_id, model, content_hash)
);

-- Per run and conversation: did the embedding phase fail for it (kept for counting and errors).
CREATE TABLE embedding_failures (
    run_id          text NOT NULL REFERENCES pipeline_runs (id) ON DELETE CASCADE,
    conversation_id text NOT NULL,
    error           text NOT NULL,
    PRIMARY KEY (run_id, conversation_id)
);

-- LLM usage of calls that are not tied to one conversation (embedding requests), per batch; the
-- calls of a retried batch add to its row, since they were really made.
CREATE TABLE run_llm_usage (
    run_id     text NOT NULL REFERENCES pipeline_runs (id) ON DELETE CASCADE,
    phase      text NOT NULL,
    batch_key  text NOT NULL,
    llm_calls  integer NOT NULL,
    tokens_in  integer NOT NULL,
    tokens_out integer NOT NULL,
    cost_usd   numeric(14, 6) NOT NULL,
    PRIMARY KEY (run_id, phase, batch_key)
);

-- Backlog stories; one per stable key, updated by later runs.
CREATE TABLE stories (
    id                 bigserial PRIMARY KEY,
    story_key          text NOT NULL UNIQUE,
    title              text NOT NULL,
    description        text NOT NULL,
    signature          text NOT NULL,
    product_area       text NOT NULL,
    component          text NOT NULL,
    conversation_count integer NOT NULL DEFAULT 0,
    first_seen         timestamptz NOT NULL,
    last_seen          timestamptz NOT NULL,
    created_by_run     text NOT NULL,
    updated_by_run     text NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE story_evidence (
    story_id        bigint NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    conversation_id text NOT NULL REFERENCES conversations (id),
    run_id          text NOT NULL,
    signature       text NOT NULL,
    excerpt         text NOT NULL DEFAULT '',
    added_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (story_id, conversation_id)
);

-- Groups too small to be stories; they accumulate across runs and graduate at the threshold.
CREATE TABLE orphans (
    id             bigserial PRIMARY KEY,
    orphan_key     text NOT NULL UNIQUE,
    signature      text NOT NULL,
    product_area   text NOT NULL,
    component      text NOT NULL,
    title          text NOT NULL,
    first_seen     timestamptz NOT NULL,
    last_seen      timestamptz NOT NULL,
    graduated_at   timestamptz,
    story_id       bigint REFERENCES stories (id),
    created_by_run text NOT NULL,
    updated_by_run text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
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

-- What the stories phase of a run did with each group, written in the group's own transaction,
-- so a retried phase neither repeats a group nor counts it twice.
CREATE TABLE run_group_actions (
    run_id    text NOT NULL REFERENCES pipeline_runs (id) ON DELETE CASCADE,
    group_key text NOT NULL,
    action    text NOT NULL CHECK (action IN ('story_created', 'story_updated', 'orphan_created', 'orphan_updated', 'orphan_graduated', 'failed')),
    detail    text NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, group_key)
);

-- Dry-run previews, kept durably with their run.
CREATE TABLE dry_run_previews (
    run_id     text PRIMARY KEY REFERENCES pipeline_runs (id) ON DELETE CASCADE,
    preview    jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
