// Package sampledata ships a sample data set for the feedback pipeline: 350 support
// conversations of Postwise, a fictional social-media scheduling SaaS, with ground-truth labels.
//
// Postwise lets small businesses and agencies plan, schedule and analyse posts for Instagram,
// Facebook, LinkedIn, X and TikTok: a composer, a content calendar with queues, approval
// workflows for clients, a bulk scheduler (CSV upload), analytics reports exported as CSV or
// PDF, pwse.link short links, iOS and Android apps, Canva import and a public API with webhooks.
// Plans are Starter, Team and Agency.
//
// The conversations (conversations.jsonl, one conversation.Conversation per line) span the ~60
// days before 2026-11-28 and cover these issues (label: conversations):
//
//	instagram_publish_fails             36  Instagram video/carousel posts fail at publish time (IG-9007)
//	calendar_timezone_shift             32  posts go out an hour off since the daylight-saving change
//	instagram_token_expired             28  Instagram channel keeps disconnecting, token expired (error 190)
//	csv_export_missing_columns          26  analytics CSV export lost columns after the November release
//	pdf_export_timeout                  22  PDF report export times out for long ranges / many channels
//	mobile_ios_video_crash              18  iOS app crashes when attaching a video
//	fr_instagram_first_comment          16  feature request: schedule a first comment
//	bulk_upload_date_format             15  bulk scheduler CSV rejects or swaps DD/MM dates
//	approval_emails_missing             14  approvers get no approval-request e-mail
//	short_links_404                     13  old pwse.link short links 404 after a custom domain
//	linkedin_company_page_missing       12  LinkedIn company page not offered when connecting
//	fr_bluesky_threads                  11  feature request: Bluesky / Threads channels
//	fr_dark_mode                        10  feature request: dark mode
//	howto_invite_teammate                8  how-to: invite a teammate, roles
//	howto_evergreen_queue                7  how-to: recurring / evergreen posts
//	canva_import_fails                   2  Canva import "Couldn't fetch design"
//	webhook_signature_mismatch           2  API webhook signatures no longer verify
//	hashtag_suggestions_wrong_language   1  hashtag suggestions in the browser's language
//
// Some pairs share vocabulary but are different issues, so a grouping can be judged on not
// merging them: instagram_publish_fails / instagram_token_expired / fr_instagram_first_comment,
// csv_export_missing_columns / pdf_export_timeout, and csv_export_missing_columns /
// bulk_upload_date_format. The remaining 22% is noise: noise_billing (28), noise_thanks (18),
// noise_general (17) and noise_spam (14). labels.csv maps every conversation id to its label;
// intercom_sample.json holds 12 more conversations in Intercom's export shape, including an
// internal note and an assignment part that importers must skip.
//
// The files come from a deterministic generator (package generate, fixed seed and reference
// date). Regenerate them from the module root with
//
//	go run ./sampledata/gen
//
// and the tests fail if the checked-in files differ from the generator's output.
package sampledata

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"sort"
	"strings"
)

//go:embed conversations.jsonl labels.csv intercom_sample.json
var files embed.FS

// NoisePrefix starts every label of a non-actionable conversation.
const NoisePrefix = "noise_"

func read(name string) []byte {
	data, err := files.ReadFile(name)
	if err != nil {
		panic("sampledata: embedded file missing: " + err.Error())
	}
	return data
}

// ConversationsJSONL returns conversations.jsonl: one conversation.Conversation per line.
func ConversationsJSONL() []byte { return read("conversations.jsonl") }

// IntercomJSON returns intercom_sample.json: a JSON array in Intercom's conversation export shape.
func IntercomJSON() []byte { return read("intercom_sample.json") }

// Labels parses labels.csv into a map from conversation id to its ground-truth label.
func Labels() (map[string]string, error) {
	rows, err := csv.NewReader(bytes.NewReader(read("labels.csv"))).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("labels.csv: %w", err)
	}
	if len(rows) == 0 || len(rows[0]) != 2 || rows[0][0] != "conversation_id" || rows[0][1] != "label" {
		return nil, fmt.Errorf("labels.csv: header must be conversation_id,label")
	}
	labels := make(map[string]string, len(rows)-1)
	for i, row := range rows[1:] {
		if len(row) != 2 || row[0] == "" || row[1] == "" {
			return nil, fmt.Errorf("labels.csv line %d: want a conversation id and a label", i+2)
		}
		if _, dup := labels[row[0]]; dup {
			return nil, fmt.Errorf("labels.csv line %d: %s is labelled twice", i+2, row[0])
		}
		labels[row[0]] = row[1]
	}
	return labels, nil
}

// Issues returns the actionable labels (every label but the noise ones), sorted.
func Issues() []string {
	labels, err := Labels()
	if err != nil {
		panic("sampledata: " + err.Error())
	}
	seen := map[string]bool{}
	var issues []string
	for _, l := range labels {
		if !strings.HasPrefix(l, NoisePrefix) && !seen[l] {
			seen[l] = true
			issues = append(issues, l)
		}
	}
	sort.Strings(issues)
	return issues
}
