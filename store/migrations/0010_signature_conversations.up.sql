-- A signature's distinct conversations in order, so store.ResolveSignature reads the first few it
-- needs and stops, where it aggregated every theme ever stored under the area's signatures (under
-- the area's lock). It serves every lookup by signature the old index served.
CREATE INDEX themes_signature_conversation_idx ON themes (issue_signature, conversation_id);
DROP INDEX themes_signature_idx;
