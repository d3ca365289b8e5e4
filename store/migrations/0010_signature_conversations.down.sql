CREATE INDEX themes_signature_idx ON themes (issue_signature);
DROP INDEX themes_signature_conversation_idx;
