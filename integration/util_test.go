package integration

import (
	"bytes"
	"testing"

	"feedbackpipe/conversation"
	"feedbackpipe/ingest"
	"feedbackpipe/sampledata"
)

// sampleConversations reads the shipped sample conversations through the importer.
func sampleConversations(t testing.TB) []conversation.Conversation {
	t.Helper()
	res, err := ingest.Read("conversations.jsonl", bytes.NewReader(sampledata.ConversationsJSONL()), false)
	if err != nil {
		t.Fatal(err)
	}
	return res.Conversations
}
