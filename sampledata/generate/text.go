package generate

import (
	"strings"
	"unicode"
)

// customerText dresses a customer's first message in a greeting, the mood and a sign-off.
func (g *generator) customerText(e *expander, k kind, body string, m mood, first bool) string {
	body = e.expand(body)
	var parts []string
	if m == angry && chance(g.r, .5) {
		body = e.expand(pick(g.r, angryOpeners())) + " " + body
	}
	greeting := ""
	if first {
		greeting = e.expand(pick(g.r, greetings(m)))
	}
	if greeting != "" && (m == terse || strings.ContainsAny(greeting[len(greeting)-1:], "!.")) && chance(g.r, .5) {
		body = greeting + " " + body
	} else if greeting != "" {
		parts = append(parts, greeting)
	}
	parts = append(parts, body)
	if m == angry && chance(g.r, .6) {
		parts = append(parts, e.expand(pick(g.r, angryClosers())))
	}
	so := signoffs(m)
	if k == thanks {
		so = []string{"", "", "{first}", "Cheers,\n{first}", "{full}"}
	}
	if s := e.expand(pick(g.r, so)); s != "" {
		parts = append(parts, s)
	}
	return g.roughen(strings.Join(parts, "\n\n"), m)
}

// followText is a later customer message after prefix: no greeting, rarely a sign-off.
func (g *generator) followText(e *expander, prefix, body string, m mood) string {
	text := e.expand(body)
	if rs := []rune(text); strings.HasSuffix(prefix, "so ") && len(rs) > 1 && unicode.IsLower(rs[1]) {
		text = string(unicode.ToLower(rs[0])) + string(rs[1:])
	}
	text = prefix + text
	if m == polite && chance(g.r, .4) {
		text += "\n\nThanks again!"
	}
	return g.roughen(text, m)
}

// roughen makes some customers write the way people type in a hurry.
func (g *generator) roughen(text string, m mood) string {
	p := map[mood]float64{neutral: .2, polite: .06, angry: .35, terse: .75}[m]
	if m == terse {
		text = strings.ToLower(text)
		text = strings.NewReplacer("i'm ", "im ", "don't", "dont", "can't", "cant", "doesn't", "doesnt", "won't", "wont").Replace(text)
		if chance(g.r, .4) {
			text = strings.TrimRight(text, ".")
		}
	}
	if !chance(g.r, p) {
		return text
	}
	words := strings.Split(text, " ")
	for i, w := range words {
		if chance(g.r, .06) {
			words[i] = g.typo(w)
		}
	}
	return strings.Join(words, " ")
}

// typo swaps, drops or doubles one inner letter of a plain word of five letters or more.
func (g *generator) typo(w string) string {
	rs := []rune(w)
	if len(rs) < 5 {
		return w
	}
	for _, r := range rs {
		if !unicode.IsLetter(r) || unicode.IsUpper(r) {
			return w
		}
	}
	i := 1 + g.r.IntN(len(rs)-2)
	switch g.r.IntN(3) {
	case 0:
		rs[i], rs[i+1] = rs[i+1], rs[i]
	case 1:
		rs = append(rs[:i], rs[i+1:]...)
	default:
		rs = append(rs[:i+1], rs[i:]...)
	}
	return string(rs)
}

// supportText is a support agent's message: e-mail style with a signature, or short in a chat.
// The agent's first reply may open with an acknowledgement, a later one with thanks for the details.
func (g *generator) supportText(e *expander, k kind, body string, chat, first bool) string {
	body = e.expand(body)
	if chat {
		return e.expand(pick(g.r, []string{"Hi {first}! ", "Hey {first}! ", "Hi there! ", ""})) + body
	}
	greeting := e.expand(pick(g.r, []string{"Hi {first},", "Hi {first}!", "Hello {first},", "Hey {first},", "Hi there,", "Hi {first} 👋"}))
	acks := []string{"Thanks for reaching out.", "Thanks for getting in touch!", "Thanks for writing in."}
	if k == bug {
		acks = append(acks, "Sorry for the trouble.", "Thanks for the report.")
	}
	if !first {
		acks = []string{"Thanks for the details!", "Thanks, that helps.", "Thank you for checking.", "Thanks for getting back to me."}
	}
	if k != thanks && !startsWithAny(body, "Thanks", "Sorry", "I'm sorry", "Great", "Not ", "Yes", "Sure", "Glad", "Happy", "You're", "Absolutely", "Done") && chance(g.r, .6) {
		body = pick(g.r, acks) + " " + body
	}
	sig := e.expand(pick(g.r, []string{"{agent}\nPostwise Support", "Best,\n{agent}", "Cheers,\n{agent} from Postwise", "— {agent}", "Kind regards,\n{agent} | Postwise Customer Success"}))
	return greeting + "\n\n" + body + "\n\n" + sig
}

func startsWithAny(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func greetings(m mood) []string {
	switch m {
	case polite:
		return []string{"Hi there, hope you're well!", "Good morning,", "Dear Postwise support,", "Hello and thanks in advance for your help.", "Hi! Hope your week is going well.", "Hello Postwise team,"}
	case angry:
		return []string{"", "Hello.", "Hi,", "Support,"}
	case terse:
		return []string{"", "", "hi", "hey"}
	}
	return []string{"", "", "Hi,", "Hello,", "Hi there,", "Hey,", "Hi team,", "Hi support,", "Hey Postwise,"}
}

func signoffs(m mood) []string {
	switch m {
	case polite:
		return []string{"Thank you so much!\n{first}", "Many thanks in advance,\n{full}", "Kind regards,\n{full}\n{company}", "Thanks a lot for your help 🙏", "Best wishes,\n{first}", "Thank you!\n{first} @ {company}"}
	case angry:
		return []string{"", "{full}", "{full}\n{company}", "{first}"}
	case terse:
		return []string{"", "", "thx", "ty"}
	}
	return []string{"", "", "Thanks", "Thanks!", "Thanks,\n{first}", "Cheers,\n{first}", "Best,\n{full}\n{company}", "{first}", "Thx, {first}"}
}

func angryOpeners() []string {
	return []string{"This is the third time I'm writing about this.", "Really frustrated right now.", "Seriously?", "Not happy.",
		"I've had enough of this.", "Urgent!!", "Again??", "Honestly this is getting ridiculous."}
}

func angryClosers() []string {
	return []string{"We pay for the {plan} plan and this is unacceptable.", "Please fix this ASAP.", "If this isn't sorted soon we'll have to look at other tools.",
		"I need an answer today.", "Fix it.", "Please escalate this.", "Our clients are noticing and it makes us look bad."}
}

func botGreetings() []string {
	return []string{"Hi there 👋 Welcome to Postwise! What can we help you with today?",
		"Hey! Ask us anything, or share your feedback. The team typically replies in under 2 hours.",
		"Hello! I'm the Postwise assistant. Tell us what's going on and a human will pick it up shortly."}
}

func botAutoReplies() []string {
	return []string{"Thanks for contacting Postwise Support! We've received your message and a member of the team will get back to you within 24 hours. In the meantime you might find an answer in our Help Center: help.postwise.example",
		"Hi! 👋 Our team usually replies in a few hours. You'll get the reply here and by email at {email}.",
		"This is an automated reply: we're seeing a high volume of requests right now and will reply as soon as we can. Known incidents are listed on status.postwise.example.",
		"Got it! Your request has been logged. Our support hours are Monday-Friday, 8:00-20:00 CET."}
}

func genericAsks() []string {
	return []string{"Sorry to hear that! Could you tell me a bit more about what you're seeing — which channel or page, and any error message that shows up?",
		"Happy to help. Can you describe what happens step by step, and share a screenshot if you have one?",
		"Thanks for reaching out! What exactly isn't working? The more details (channel, post, time) the faster we can look into it.",
		"I'd like to help — could you give me a few more details about the problem and when it started?"}
}

func followPrefixes() []string {
	return []string{"", "", "", "Sure! ", "Thanks for the quick reply. ", "ok so ", "Here you go: ", "Yes. ", "Hi again! "}
}

func addPrefixes() []string {
	return []string{"Forgot to mention: ", "Update: ", "One more thing: ", "PS ", "Adding some details: ", "Also - ", "Quick update: "}
}

func reactions(m mood) []string {
	switch m {
	case angry:
		return []string{"That's not a real fix. Please keep me updated.", "Fine. But I expect this fixed soon.", "We'll see. Still not happy about it.", "ok. let me know when it's actually fixed."}
	case terse:
		return []string{"ok thx", "thanks", "ok will try", "k"}
	}
	return []string{"Thanks, that worked!", "Great, thank you!", "Ok, will try that. Thanks.", "Thanks for the quick reply, please keep me posted.", "Perfect, thanks {agent}!", "Thank you, that helps a lot."}
}
