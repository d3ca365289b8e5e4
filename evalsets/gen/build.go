package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// issue is one labelled group of a set: how many conversations carry it and the ways customers
// phrase it. A phrasing is "subject | body" or a body alone (a chat opener without subject).
type issue struct {
	label     string
	count     int
	phrasings []string
}

// set is one evaluation set.
type set struct {
	name    string
	product string   // the product's name, for openers and support replies
	start   string   // RFC 3339 date of the first conversation
	issues  []issue  // real issues and noise (labels starting with noise_)
	replies []string // support replies, %s is the customer's first name
}

type message struct {
	Author    string `json:"author"`
	Text      string `json:"text"`
	CreatedAt string `json:"created_at"`
}

type record struct {
	ID        string    `json:"id"`
	CreatedAt string    `json:"created_at"`
	Subject   string    `json:"subject"`
	Messages  []message `json:"messages"`
	Contact   string    `json:"contact,omitempty"`
}

var firstNames = []string{"ana", "ben", "chloe", "dev", "elif", "farid", "greta", "hiro", "ines", "jamal",
	"kasia", "leo", "maya", "nils", "olu", "priya", "quinn", "rosa", "sven", "tariq", "uma", "vik", "wen", "yusuf", "zoe"}

// openers and closers wrap some bodies; chat openers mostly go without.
var openers = []string{"", "", "", "", "hi, ", "hello - ", "hey ", "Hi team,\n\n", "Good morning, ", "hiya ", "Hello there. "}
var closers = []string{"", "", "", "", " thanks", " thx", "\n\nThanks,\n%s", " pls help", " any idea?", "\n\nCheers", " ty"}

// write renders the set into dir/conversations.jsonl and dir/labels.csv.
func (s set) write(dir string, seed uint64) error {
	r := rand.New(rand.NewPCG(seed, uint64(len(s.name))))
	type item struct {
		label, text string
		variant     int
	}
	var items []item
	for _, is := range s.issues {
		for i := 0; i < is.count; i++ {
			items = append(items, item{is.label, is.phrasings[i%len(is.phrasings)], i / len(is.phrasings)})
		}
	}
	r.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
	t0, err := time.Parse(time.RFC3339, s.start)
	if err != nil {
		return fmt.Errorf("set %s: start: %w", s.name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("set %s: %w", s.name, err)
	}
	var jsonl, labels strings.Builder
	labels.WriteString("conversation_id,label\n")
	at := t0
	for n, it := range items {
		at = at.Add(time.Duration(20+r.IntN(400)) * time.Minute)
		name := firstNames[r.IntN(len(firstNames))]
		subject, body, hasSubject := strings.Cut(it.text, " | ")
		if !hasSubject {
			body, subject = subject, ""
		}
		body = strings.ReplaceAll(body, "{product}", s.product)
		subject = strings.ReplaceAll(subject, "{product}", s.product)
		if !strings.HasPrefix(it.label, "noise_") {
			body = vary(r, body, it.variant, name)
		}
		msgs := []message{{Author: "customer", Text: body, CreatedAt: at.Format(time.RFC3339)}}
		if r.IntN(5) == 0 && !strings.HasPrefix(it.label, "noise_") {
			follow := []string{"hello?", "anyone there?", "??", "still waiting on this", "any update"}
			msgs = append(msgs, message{Author: "customer", Text: follow[r.IntN(len(follow))],
				CreatedAt: at.Add(3 * time.Minute).Format(time.RFC3339)})
		}
		if r.IntN(10) < 4 {
			reply := fmt.Sprintf(s.replies[r.IntN(len(s.replies))], capitalizeFirst(name))
			msgs = append(msgs, message{Author: "support", Text: reply, CreatedAt: at.Add(47 * time.Minute).Format(time.RFC3339)})
		}
		rec := record{ID: fmt.Sprintf("%s_%04d", s.name, n+1), CreatedAt: at.Format(time.RFC3339), Subject: subject,
			Messages: msgs, Contact: fmt.Sprintf("%s%d@example.com", name, r.IntN(90)+10)}
		b, err := json.Marshal(rec)
		if err != nil {
			return fmt.Errorf("set %s: %w", s.name, err)
		}
		jsonl.Write(b)
		jsonl.WriteByte('\n')
		fmt.Fprintf(&labels, "%s,%s\n", rec.ID, it.label)
	}
	if err := os.WriteFile(filepath.Join(dir, "conversations.jsonl"), []byte(jsonl.String()), 0o644); err != nil {
		return fmt.Errorf("set %s: %w", s.name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "labels.csv"), []byte(labels.String()), 0o644); err != nil {
		return fmt.Errorf("set %s: %w", s.name, err)
	}
	return nil
}

// vary gives a repeated phrasing a different surface: the first use is verbatim; later uses get
// an opener, a closer, lower case, or a typo.
func vary(r *rand.Rand, body string, variant int, name string) string {
	if variant == 0 && r.IntN(3) > 0 {
		return body
	}
	if r.IntN(3) == 0 {
		body = strings.ToLower(body)
	}
	if r.IntN(2) == 0 {
		body = typo(r, body)
	}
	body = openers[r.IntN(len(openers))] + body
	c := closers[r.IntN(len(closers))]
	if strings.Contains(c, "%s") {
		c = fmt.Sprintf(c, capitalizeFirst(name))
	}
	return body + c
}

// typo swaps two neighbouring letters of one longer word, or drops one letter.
func typo(r *rand.Rand, s string) string {
	words := strings.Split(s, " ")
	var long []int
	for i, w := range words {
		if len(w) >= 6 && isLetters(w) {
			long = append(long, i)
		}
	}
	if len(long) == 0 {
		return s
	}
	i := long[r.IntN(len(long))]
	w := []byte(words[i])
	j := 1 + r.IntN(len(w)-3)
	if r.IntN(2) == 0 {
		w[j], w[j+1] = w[j+1], w[j]
	} else {
		w = append(w[:j], w[j+1:]...)
	}
	words[i] = string(w)
	return strings.Join(words, " ")
}

func isLetters(w string) bool {
	for _, c := range w {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

func capitalizeFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
