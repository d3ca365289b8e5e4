package ingest

import (
	"errors"
	"fmt"

	"feedbackpipe/conversation"
)

// ParseIntercomConversation turns one conversation object of Intercom's REST API (GET
// /conversations/{id}, the same shape as an element of an export) into a cleaned, validated
// conversation, by the rules an import follows: HTML stripped, notes, assignments and other
// non-message parts skipped, authors mapped. The error names the field at fault.
func ParseIntercomConversation(raw []byte) (*conversation.Conversation, error) {
	c, fe := parseIntercom(raw)
	if fe != nil {
		return nil, fe.asError()
	}
	c.Clean()
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("invalid conversation: %w", err)
	}
	return c, nil
}

// IntercomHTMLToText is the HTML stripping an import applies to Intercom bodies.
func IntercomHTMLToText(s string) string { return htmlToText(s) }

func (fe *fieldError) asError() error {
	if fe.field == "" {
		return errors.New(fe.reason)
	}
	return fmt.Errorf("field %s: %s", fe.field, fe.reason)
}
