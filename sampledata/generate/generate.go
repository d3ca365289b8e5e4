// Package generate builds the sample data set of package sampledata: support conversations of
// Postwise, a fictional social-media scheduling product, with ground-truth labels and a small
// Intercom-shaped export. Everything derives from the seed and a fixed reference date, so the
// same seed always yields byte-identical files.
package generate

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"time"

	"feedbackpipe/conversation"
)

// DefaultSeed is the seed of the checked-in files.
const DefaultSeed uint64 = 20261128

// Reference is the fixed "now" of the data set: every conversation happens in the ~60 days before it.
var Reference = time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)

// File names written by Write.
const (
	ConversationsFile = "conversations.jsonl"
	LabelsFile        = "labels.csv"
	IntercomFile      = "intercom_sample.json"
)

// Labeled is one generated conversation with its ground-truth label.
type Labeled struct {
	Conversation conversation.Conversation
	Label        string
}

// Conversations generates the labelled conversations for seed, ordered by creation time and
// numbered conv_0001, conv_0002, ...
func Conversations(seed uint64) []Labeled {
	g := newGenerator(rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)))
	var out []Labeled
	for _, is := range topics() {
		for range is.count {
			out = append(out, Labeled{Conversation: g.conversation(&is, false), Label: is.key})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		return out[i].Conversation.CreatedAt.Before(out[j].Conversation.CreatedAt)
	})
	ticket := 48210
	for i := range out {
		c := &out[i].Conversation
		c.ID = fmt.Sprintf("conv_%04d", i+1)
		ticket += 3 + g.r.IntN(40)
		if c.SourceURL == ticketPending {
			c.SourceURL = fmt.Sprintf("https://support.postwise.example/tickets/%d", ticket)
		}
	}
	return out
}

// Write generates the data set for seed into dir: conversations.jsonl, labels.csv and
// intercom_sample.json.
func Write(dir string, seed uint64) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	convs := Conversations(seed)
	jsonl, err := encodeJSONL(convs)
	if err != nil {
		return err
	}
	labels, err := encodeLabels(convs)
	if err != nil {
		return err
	}
	intercom, err := encodeIntercom(intercom(seed))
	if err != nil {
		return err
	}
	for name, data := range map[string][]byte{ConversationsFile: jsonl, LabelsFile: labels, IntercomFile: intercom} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
