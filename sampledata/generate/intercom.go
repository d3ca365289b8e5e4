package generate

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"feedbackpipe/conversation"
)

// The Intercom conversation export shape, as far as importers read it.
type (
	icConversation struct {
		Type              string     `json:"type"`
		ID                string     `json:"id"`
		CreatedAt         int64      `json:"created_at"`
		Source            icSource   `json:"source"`
		ConversationParts icPartList `json:"conversation_parts"`
	}
	icSource struct {
		Type    string   `json:"type"`
		Subject string   `json:"subject"`
		Body    string   `json:"body"`
		URL     string   `json:"url"`
		Author  icAuthor `json:"author"`
	}
	icAuthor struct {
		Type  string `json:"type"`
		Email string `json:"email,omitempty"`
	}
	icPartList struct {
		Type              string   `json:"type"`
		ConversationParts []icPart `json:"conversation_parts"`
	}
	icPart struct {
		Type      string   `json:"type"`
		PartType  string   `json:"part_type"`
		Body      *string  `json:"body"`
		CreatedAt int64    `json:"created_at"`
		Author    icAuthor `json:"author"`
	}
)

// intercomKeys are the topics of the Intercom sample, one conversation each.
func intercomKeys() []string {
	return []string{"instagram_publish_fails", "instagram_token_expired", "calendar_timezone_shift", "csv_export_missing_columns",
		"pdf_export_timeout", "approval_emails_missing", "short_links_404", "fr_instagram_first_comment",
		"mobile_ios_video_crash", "howto_invite_teammate", "noise_billing", "noise_thanks"}
}

// intercom generates the Intercom-shaped sample: the same kind of conversations as the JSONL,
// from their own random stream. The first carries an internal note and the second an
// assignment with a null body; importers must skip both.
func intercom(seed uint64) []icConversation {
	r := rand.New(rand.NewPCG(seed^0x1c, seed+0x1c))
	g := newGenerator(r)
	all := topics()
	var out []icConversation
	id := 215800000 + r.IntN(100000)
	for i, key := range intercomKeys() {
		t := topicByKey(all, key)
		c := g.conversation(&t, true)
		id += 1 + r.IntN(5000)
		ic := toIntercom(fmt.Sprintf("ic_%d", id), &c, t.page)
		switch i {
		case 0:
			ic.insertPart(icPart{Type: "conversation_part", PartType: "note", CreatedAt: ic.CreatedAt + 120, Author: icAuthor{Type: "admin"},
				Body: ptr("<p>Internal: same IG-9007 pattern as ENG-2231 &amp; ENG-2240. Customer is on the Agency plan, don't promise a date.</p>")})
		case 1:
			ic.insertPart(icPart{Type: "conversation_part", PartType: "assignment", CreatedAt: firstAdminAt(ic) - 45, Author: icAuthor{Type: "admin"}})
		}
		out = append(out, ic)
	}
	return out
}

func topicByKey(all []topic, key string) topic {
	for _, t := range all {
		if t.key == key {
			return t
		}
	}
	panic("generate: no topic " + key)
}

func toIntercom(id string, c *conversation.Conversation, page string) icConversation {
	first := c.Messages[0]
	ic := icConversation{
		Type: "conversation", ID: id, CreatedAt: first.CreatedAt.Unix(),
		Source: icSource{Type: "conversation", Subject: c.Subject, Body: toHTML(first.Text), URL: page,
			Author: icAuthor{Type: "user", Email: c.Contact}},
		ConversationParts: icPartList{Type: "conversation_part.list", ConversationParts: []icPart{}},
	}
	for _, m := range c.Messages[1:] {
		body := toHTML(m.Text)
		ic.ConversationParts.ConversationParts = append(ic.ConversationParts.ConversationParts, icPart{
			Type: "conversation_part", PartType: "comment", Body: &body, CreatedAt: m.CreatedAt.Unix(),
			Author: icAuthor{Type: intercomAuthor(m.Author)},
		})
	}
	return ic
}

func intercomAuthor(a conversation.Author) string {
	switch a {
	case conversation.Support:
		return "admin"
	case conversation.Bot:
		return "bot"
	}
	return "user"
}

// firstAdminAt is when the first admin comment was written, or a minute after the last part.
func firstAdminAt(ic icConversation) int64 {
	last := ic.CreatedAt
	for _, p := range ic.ConversationParts.ConversationParts {
		if p.Author.Type == "admin" {
			return p.CreatedAt
		}
		last = p.CreatedAt
	}
	return last + 60
}

// insertPart puts p among the parts in created_at order.
func (ic *icConversation) insertPart(p icPart) {
	parts := ic.ConversationParts.ConversationParts
	i := 0
	for i < len(parts) && parts[i].CreatedAt <= p.CreatedAt {
		i++
	}
	ic.ConversationParts.ConversationParts = append(parts[:i], append([]icPart{p}, parts[i:]...)...)
}

// toHTML renders text the way Intercom stores bodies: paragraphs, <br> line breaks, entities.
func toHTML(text string) string {
	esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	paras := strings.Split(text, "\n\n")
	for i, p := range paras {
		lines := strings.Split(p, "\n")
		for j := range lines {
			lines[j] = esc.Replace(lines[j])
		}
		paras[i] = "<p>" + strings.Join(lines, "<br>") + "</p>"
	}
	return strings.Join(paras, "")
}

func ptr(s string) *string { return &s }
