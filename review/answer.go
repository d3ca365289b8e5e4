package review

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Part is one story of an answer: the members it covers and its written text.
type Part struct {
	Members            []string `json:"members"`
	Title              string   `json:"title"`
	UserStory          string   `json:"user_story"`
	AcceptanceCriteria []string `json:"acceptance_criteria"`
	InvestigationHints []string `json:"investigation_hints"`
	Severity           string   `json:"severity"`
}

// Answer is a review's answer.
type Answer struct {
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
	Parts    []Part `json:"parts"`
}

// Parse decodes an answer strictly (no unknown fields, one object) and validates it against the
// group it reviews.
func Parse(content string, g Group) (*Answer, error) {
	dec := json.NewDecoder(strings.NewReader(content))
	dec.DisallowUnknownFields()
	var a Answer
	if err := dec.Decode(&a); err != nil {
		return nil, fmt.Errorf("not one JSON object of the schema: %w", err)
	}
	if dec.More() {
		return nil, errors.New("text after the JSON object")
	}
	if err := a.Validate(g); err != nil {
		return nil, err
	}
	return &a, nil
}

// Validate checks what the schema cannot: the decision's parts, member references, lengths.
// Its errors name fields, never quote the answer.
func (a *Answer) Validate(g Group) error {
	var errs []error
	if !slices.Contains(Decisions, a.Decision) {
		errs = append(errs, errors.New("field decision: not one of keep, split, reject"))
	}
	if !slices.Contains(Reasons, a.Reason) {
		errs = append(errs, errors.New("field reason: not one of the reason codes"))
	}
	switch a.Decision {
	case DecisionKeep:
		if len(a.Parts) != 1 {
			errs = append(errs, errors.New("field parts: keep needs exactly one part"))
		}
		if a.Reason != ReasonOneIssue {
			errs = append(errs, errors.New("field reason: keep takes one_issue"))
		}
	case DecisionSplit:
		if len(a.Parts) < 2 || len(a.Parts) > MaxSplitParts {
			errs = append(errs, fmt.Errorf("field parts: split needs 2 to %d parts", MaxSplitParts))
		}
		if a.Reason != ReasonDistinctIssues {
			errs = append(errs, errors.New("field reason: split takes distinct_issues"))
		}
		errs = append(errs, checkPartition(a.Parts, g)...)
	case DecisionReject:
		if len(a.Parts) != 0 {
			errs = append(errs, errors.New("field parts: reject takes no parts"))
		}
		if a.Reason == ReasonOneIssue || a.Reason == ReasonDistinctIssues {
			errs = append(errs, errors.New("field reason: reject takes noise, not_actionable or too_vague"))
		}
	}
	for i, p := range a.Parts {
		errs = append(errs, p.validate(fmt.Sprintf("parts[%d]", i))...)
	}
	return errors.Join(errs...)
}

func (p Part) validate(at string) []error {
	var errs []error
	title := strings.TrimSpace(p.Title)
	switch {
	case title == "":
		errs = append(errs, fmt.Errorf("field %s.title: empty", at))
	case strings.ContainsAny(p.Title, "\r\n"):
		errs = append(errs, fmt.Errorf("field %s.title: more than one line", at))
	case utf8.RuneCountInString(title) > MaxTitle:
		errs = append(errs, fmt.Errorf("field %s.title: more than %d characters", at, MaxTitle))
	}
	if s := strings.TrimSpace(p.UserStory); s == "" || utf8.RuneCountInString(s) > MaxUserStory {
		errs = append(errs, fmt.Errorf("field %s.user_story: empty or more than %d characters", at, MaxUserStory))
	}
	if n := len(p.AcceptanceCriteria); n < MinCriteria || n > MaxListItems {
		errs = append(errs, fmt.Errorf("field %s.acceptance_criteria: needs %d to %d items", at, MinCriteria, MaxListItems))
	}
	if len(p.InvestigationHints) > MaxListItems {
		errs = append(errs, fmt.Errorf("field %s.investigation_hints: more than %d items", at, MaxListItems))
	}
	for _, s := range append(append([]string(nil), p.AcceptanceCriteria...), p.InvestigationHints...) {
		if strings.TrimSpace(s) == "" || utf8.RuneCountInString(s) > MaxItemChars {
			errs = append(errs, fmt.Errorf("field %s: a list item is empty or longer than %d characters", at, MaxItemChars))
			break
		}
	}
	if !slices.Contains(Severities, p.Severity) {
		errs = append(errs, fmt.Errorf("field %s.severity: not one of low, medium, high, critical", at))
	}
	return errs
}

// checkPartition checks that a split's parts name every shown member exactly once.
func checkPartition(parts []Part, g Group) []error {
	known := make(map[string]bool, len(g.Members))
	for _, m := range g.Members {
		known[m.Ref] = true
	}
	seen := map[string]bool{}
	var errs []error
	for i, p := range parts {
		if len(p.Members) == 0 {
			errs = append(errs, fmt.Errorf("field parts[%d].members: empty", i))
		}
		for _, r := range p.Members {
			switch {
			case !known[r]:
				errs = append(errs, fmt.Errorf("field parts[%d].members: unknown reference", i))
			case seen[r]:
				errs = append(errs, fmt.Errorf("field parts[%d].members: a member is in two parts", i))
			}
			seen[r] = true
		}
	}
	if len(seen) < len(known) {
		errs = append(errs, errors.New("field parts: some members are in no part"))
	}
	return errs
}

// Assign maps a split's parts back to conversation IDs: shown members by their references, and
// each member not shown (a sampled group) to the part holding most shown members of its
// signature, else of its component, else the largest part. members are the whole group's.
func (a *Answer) Assign(g Group, members []Member) [][]string {
	byRef := make(map[string]Member, len(g.Members))
	for _, m := range g.Members {
		byRef[m.Ref] = m
	}
	out := make([][]string, len(a.Parts))
	placed := map[string]bool{}
	for i, p := range a.Parts {
		for _, r := range p.Members {
			m := byRef[r]
			out[i] = append(out[i], m.ID)
			placed[m.ID] = true
		}
	}
	largest := 0
	for i := range out {
		if len(out[i]) > len(out[largest]) {
			largest = i
		}
	}
	for _, m := range members {
		if placed[m.ID] {
			continue
		}
		best := bestPart(a.Parts, byRef, func(o Member) bool { return o.Signature == m.Signature })
		if best < 0 {
			best = bestPart(a.Parts, byRef, func(o Member) bool { return o.Component == m.Component })
		}
		if best < 0 {
			best = largest
		}
		out[best] = append(out[best], m.ID)
	}
	return out
}

func bestPart(parts []Part, byRef map[string]Member, like func(Member) bool) int {
	best, bestN := -1, 0
	for i, p := range parts {
		n := 0
		for _, r := range p.Members {
			if like(byRef[r]) {
				n++
			}
		}
		if n > bestN {
			best, bestN = i, n
		}
	}
	return best
}

// Encode is the answer as stored in the review cache.
func (a *Answer) Encode() json.RawMessage {
	var b bytes.Buffer
	_ = json.NewEncoder(&b).Encode(a) // strings and lists always encode
	return bytes.TrimSpace(b.Bytes())
}
