package extraction

import (
	"strings"
	"testing"

	"feedbackpipe/conversation"
	"feedbackpipe/tokens"
)

// The conversation's share of the prompt stays within its token budget by the conservative
// bound whatever the script: CJK and emoji used to pass as a quarter token a byte.
func TestPromptBudgetHoldsForCJKAndEmoji(t *testing.T) {
	const budget = 500
	for name, text := range map[string]string{
		"ASCII": strings.Repeat("the upload fails again ", 10),
		"CJK":   strings.Repeat("上传照片一直失败，请帮忙看看", 12),
		"emoji": strings.Repeat("😡🔥👍", 40),
		"mixed": strings.Repeat("upload 失败 😡 ", 20),
	} {
		t.Run(name, func(t *testing.T) {
			c := &conversation.Conversation{ID: "c1"}
			for i := range 40 {
				author := conversation.Customer
				if i%2 == 1 {
					author = conversation.Support
				}
				c.Messages = append(c.Messages, conversation.Message{Author: author, Text: text})
			}
			prompt := BuildUserPrompt(c, nil, budget)
			_, conv, _ := strings.Cut(prompt, "\n"+MarkerConversation)
			_, conv, _ = strings.Cut(conv, "\n") // the rest of the marker's line
			conv, _, _ = strings.Cut(conv, MarkerEndConversation)
			conv = strings.ReplaceAll(conv, MarkerOmitted+"\n", "")
			if got := tokens.Estimate(conv); got > budget+10 {
				t.Errorf("the conversation costs %d tokens by the bound, over its budget of %d", got, budget)
			}
			if got := tokens.Estimate(conv); got < budget/2 {
				t.Errorf("the conversation costs %d tokens, far under its budget of %d: truncated too much", got, budget)
			}
			if !strings.Contains(prompt, MarkerOmitted) {
				t.Errorf("nothing was omitted from a conversation over budget")
			}
		})
	}
}
