package intercom

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"feedbackpipe/conversation"
	"feedbackpipe/ingest"
	"feedbackpipe/pipeline"
)

// The fields of a conversation the filter reads beyond what ingest maps.
type filterView struct {
	Source struct {
		DeliveredAs string `json:"delivered_as"`
		Body        string `json:"body"`
		Author      struct {
			Type string `json:"type"`
		} `json:"author"`
	} `json:"source"`
	Parts struct {
		Parts []struct {
			PartType string `json:"part_type"`
			Author   struct {
				Type string `json:"type"`
			} `json:"author"`
		} `json:"conversation_parts"`
	} `json:"conversation_parts"`
}

// Classify decides whether a conversation of the API is kept. It is parsed as an import parses an
// Intercom export (ingest: HTML stripped, notes, assignments and other non-message parts
// skipped); it is kept when a customer started it (not a bot, an admin or an outbound message)
// and the customer wrote at least pipeline.MinCustomerChars characters of their own, not only
// clicked a template reply. Otherwise reason says why (a pipeline.Skip* constant).
func Classify(raw []byte) (c *conversation.Conversation, reason string) {
	var v filterView
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, pipeline.SkipInvalid
	}
	switch strings.ToLower(v.Source.Author.Type) {
	case "bot":
		return nil, pipeline.SkipBot
	case "user", "lead", "contact":
	default:
		return nil, pipeline.SkipNotCustomer
	}
	if d := v.Source.DeliveredAs; d != "" && d != "customer_initiated" {
		return nil, pipeline.SkipNotCustomer
	}
	c, err := ingest.ParseIntercomConversation(raw)
	if err != nil {
		if ingest.IntercomHTMLToText(v.Source.Body) == "" { // only an attachment, no message
			return nil, pipeline.SkipTooShort
		}
		return nil, pipeline.SkipInvalid
	}
	if utf8.RuneCountInString(strings.TrimSpace(c.CustomerText())) >= pipeline.MinCustomerChars {
		return c, ""
	}
	for _, p := range v.Parts.Parts {
		if p.PartType == "quick_reply" || p.PartType == "button_click" {
			return nil, pipeline.SkipTemplate
		}
	}
	return nil, pipeline.SkipTooShort
}
