package generate

import (
	"math/rand/v2"
	"strings"
	"time"

	"feedbackpipe/conversation"
)

// generator turns topics into conversations; all randomness comes from r.
type generator struct {
	r *rand.Rand
}

func newGenerator(r *rand.Rand) *generator { return &generator{r: r} }

// ticketPending marks a conversation that gets a help-desk URL once conversations are numbered.
const ticketPending = "pending"

// shape is the order of turns in a thread.
type shape int

const (
	single     shape = iota // customer only
	answered                // customer, support
	clarified               // customer, support asks, customer adds details, support answers
	vagueFirst              // customer names a symptom, support asks, customer describes, support answers
	selfFollow              // customer, customer adds details, support answers
)

// mood colours the customer's writing.
type mood int

const (
	neutral mood = iota
	polite
	angry
	terse
)

func (g *generator) shape(t *topic) shape {
	x := g.r.Float64()
	var s shape
	switch t.kind {
	case bug:
		s = pickShape(x, []float64{.14, .28, .30, .14}, []shape{single, answered, clarified, vagueFirst, selfFollow})
	case feature, howto:
		s = pickShape(x, []float64{.2, .6, .1}, []shape{single, answered, clarified, selfFollow})
	case billing, general:
		s = pickShape(x, []float64{.15, .65}, []shape{single, answered, clarified})
	case thanks:
		s = pickShape(x, []float64{.55}, []shape{single, answered})
	default:
		s = single
	}
	if s == vagueFirst && len(t.vague) == 0 {
		s = clarified
	}
	if (s == clarified || s == selfFollow) && len(t.follows) == 0 {
		s = answered
	}
	return s
}

func pickShape(x float64, weights []float64, shapes []shape) shape {
	for i, w := range weights {
		if x < w {
			return shapes[i]
		}
		x -= w
	}
	return shapes[len(shapes)-1]
}

func (g *generator) mood(t *topic) mood {
	if t.kind == spam {
		return neutral
	}
	x := g.r.Float64()
	switch {
	case x < .5:
		return neutral
	case x < .7:
		return polite
	case x < .86 && (t.kind == bug || t.kind == billing):
		return angry
	default:
		return terse
	}
}

type turn struct {
	author conversation.Author
	text   string
}

// conversation generates one conversation of topic t. For the Intercom export (intercom true)
// the customer always writes first.
func (g *generator) conversation(t *topic, intercom bool) conversation.Conversation {
	p := g.person()
	contact := g.contact(p)
	e := g.newConversationExpander(g.r, p, t.slots)
	e.set("email", contact)
	m := g.mood(t)
	sh := g.shape(t)
	chat := !intercom && t.kind != spam && chance(g.r, .09)

	var turns []turn
	if chat {
		turns = append(turns, turn{conversation.Bot, e.expand(pick(g.r, botGreetings()))})
	}
	first := pick(g.r, t.openers)
	if sh == vagueFirst {
		first = pick(g.r, t.vague)
	}
	turns = append(turns, turn{conversation.Customer, g.customerText(e, t.kind, first, m, true)})
	if !chat && t.kind != thanks && chance(g.r, autoReplyChance(t.kind)) {
		turns = append(turns, turn{conversation.Bot, e.expand(pick(g.r, botAutoReplies()))})
	}
	replied := false
	support := func(body string) {
		turns = append(turns, turn{conversation.Support, g.supportText(e, t.kind, body, chat, !replied)})
		replied = true
	}
	switch sh {
	case answered:
		if len(t.replies) > 0 && chance(g.r, .4) {
			support(pick(g.r, t.replies))
		} else {
			support(pick(g.r, t.closers))
		}
	case clarified:
		if len(t.replies) > 0 {
			support(pick(g.r, t.replies))
		} else {
			support(pick(g.r, genericAsks()))
		}
		turns = append(turns, turn{conversation.Customer, g.followText(e, pick(g.r, followPrefixes()), pick(g.r, t.follows), m)})
		support(pick(g.r, t.closers))
	case vagueFirst:
		support(pick(g.r, genericAsks()))
		turns = append(turns, turn{conversation.Customer, g.followText(e, pick(g.r, followPrefixes()), pick(g.r, t.openers), m)})
		support(pick(g.r, t.closers))
	case selfFollow:
		turns = append(turns, turn{conversation.Customer, g.followText(e, pick(g.r, addPrefixes()), pick(g.r, t.follows), m)})
		support(pick(g.r, t.closers))
	}
	if sh != single && sh != answered && t.kind != thanks && chance(g.r, .25) {
		turns = append(turns, turn{conversation.Customer, g.followText(e, "", pick(g.r, reactions(m)), m)})
	}

	c := conversation.Conversation{Subject: g.subject(e, t, m, chat, sh == vagueFirst), Messages: g.timestamps(t, turns)}
	c.CreatedAt = c.Messages[0].CreatedAt
	if t.kind == spam || chance(g.r, .95) {
		c.Contact = contact
	}
	if !intercom && chance(g.r, .35) {
		c.SourceURL = ticketPending
	}
	return c
}

func autoReplyChance(k kind) float64 {
	if k == spam {
		return .35
	}
	return .18
}

// subject is the topic's subject; a vague first message comes with a vague subject.
func (g *generator) subject(e *expander, t *topic, m mood, chat, vague bool) string {
	if chat && chance(g.r, .6) {
		return ""
	}
	s := e.expand(pick(g.r, t.subjects))
	if vague {
		s = pick(g.r, []string{"Help", "Problem", "Issue", "Something's not working", "Need help", "Question", "help pls"})
	}
	switch {
	case m == angry && chance(g.r, .3):
		s = "URGENT: " + s
	case m == angry && chance(g.r, .3):
		s += "!!"
	case m == terse && chance(g.r, .6):
		s = strings.ToLower(s)
	}
	return s
}

// timestamps spreads the turns over time within the topic's window before Reference.
func (g *generator) timestamps(t *topic, turns []turn) []conversation.Message {
	day := t.window[1] + g.r.IntN(t.window[0]-t.window[1])
	hour := 7 + g.r.IntN(14)
	if chance(g.r, .15) {
		hour = g.r.IntN(24)
	}
	at := Reference.AddDate(0, 0, -day-1).Add(time.Duration(hour)*time.Hour + time.Duration(g.r.IntN(3600))*time.Second)
	msgs := make([]conversation.Message, len(turns))
	for i, tn := range turns {
		if i > 0 {
			at = at.Add(g.gap(tn.author, turns[i-1].author))
		}
		msgs[i] = conversation.Message{Author: tn.author, Text: tn.text, CreatedAt: at}
	}
	if late := msgs[len(msgs)-1].CreatedAt.Sub(Reference.Add(-time.Hour)); late > 0 {
		shift := late + time.Duration(1+g.r.IntN(6))*time.Hour
		for i := range msgs {
			msgs[i].CreatedAt = msgs[i].CreatedAt.Add(-shift)
		}
	}
	return msgs
}

func (g *generator) gap(author, prev conversation.Author) time.Duration {
	sec := func(lo, hi int) time.Duration { return time.Duration(lo+g.r.IntN(hi-lo)) * time.Second }
	switch {
	case author == conversation.Bot:
		return sec(3, 40)
	case prev == conversation.Bot && author == conversation.Customer:
		return sec(20, 300)
	case author == conversation.Support:
		return sec(5*60, 20*3600)
	default:
		return sec(3*60, 30*3600)
	}
}
