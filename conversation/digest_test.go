package conversation

import "testing"

func TestDigest(t *testing.T) {
	tests := []struct {
		name     string
		c        Conversation
		maxChars int
		want     string
	}{
		{"subject and first customer message", Conversation{Subject: "Upload", Messages: []Message{
			{Author: Customer, Text: "  photo upload\nfails "}, {Author: Support, Text: "try again"}}}, 2000, "Upload photo upload fails"},
		{"the most specific later customer message", Conversation{Messages: []Message{
			{Author: Customer, Text: "hi"}, {Author: Customer, Text: "thanks"}, {Author: Customer, Text: "error 500 on save"}}}, 2000, "hi error 500 on save"},
		{"no customer message: empty, even with a subject", Conversation{Subject: "Your invoice", Messages: []Message{
			{Author: Bot, Text: "Here is your invoice"}, {Author: Support, Text: "Anything else?"}}}, 2000, ""},
		{"blank customer text: empty", Conversation{Subject: "Hello", Messages: []Message{{Author: Customer, Text: " \n\t"}}}, 2000, ""},
		{"bounded in runes", Conversation{Messages: []Message{{Author: Customer, Text: "上传照片失败了"}}}, 4, "上传照片"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.c.Digest(tc.maxChars); got != tc.want {
				t.Errorf("Digest = %q, want %q", got, tc.want)
			}
		})
	}
}
