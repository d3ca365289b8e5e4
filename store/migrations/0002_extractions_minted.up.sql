-- The minted theme of each (run, signature): SaveExtraction looks it up on every theme it saves.
CREATE INDEX IF NOT EXISTS extractions_minted_idx ON extractions (run_id, signature) WHERE minted;
