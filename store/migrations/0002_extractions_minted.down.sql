DROP INDEX IF EXISTS extractions_minted_idx;
