// Package backlog drafts a story's title and description from the themes of its group: user
// intent, symptoms, product area, component and affected flow, with no LLM call.
package backlog

import (
	"fmt"
	"sort"
	"strings"
)

// ThemeFacts are the parts of a theme a story draft is built from.
type ThemeFacts struct {
	Signature    string
	ProductArea  string
	Component    string
	UserIntent   string
	Symptoms     []string
	AffectedFlow string
}

// Draft is a story's text.
type Draft struct {
	Title       string
	Description string
	ProductArea string
	Component   string
}

// MaxTitle bounds a story title.
const MaxTitle = 120

// Build drafts a story from its member themes; signature is the group's dominant signature.
func Build(signature string, themes []ThemeFacts) Draft {
	area := mostCommon(themes, func(t ThemeFacts) []string { return []string{t.ProductArea} }, 1)
	component := mostCommon(themes, func(t ThemeFacts) []string { return []string{t.Component} }, 1)
	intents := mostCommon(themes, func(t ThemeFacts) []string { return []string{t.UserIntent} }, 1)
	symptoms := mostCommon(themes, func(t ThemeFacts) []string { return t.Symptoms }, 5)
	flows := mostCommon(themes, func(t ThemeFacts) []string { return []string{t.AffectedFlow} }, 1)
	d := Draft{ProductArea: first(area), Component: first(component)}
	title := first(intents)
	if title == "" {
		title = strings.ReplaceAll(signature, "_", " ")
	}
	d.Title = title
	if c := strings.ReplaceAll(d.Component, "_", " "); c != "" && !strings.Contains(strings.ToLower(title), strings.ToLower(c)) {
		d.Title = fmt.Sprintf("%s: %s", humanize(d.Component), title)
	}
	d.Title = clip(d.Title, MaxTitle)
	var b strings.Builder
	fmt.Fprintf(&b, "**Signature:** `%s`\n\n", signature)
	fmt.Fprintf(&b, "**Product area:** %s · **Component:** %s\n\n", humanize(d.ProductArea), humanize(d.Component))
	if f := first(flows); f != "" {
		fmt.Fprintf(&b, "**Affected flow:** %s\n\n", f)
	}
	if title != "" {
		fmt.Fprintf(&b, "**User intent:** %s\n\n", title)
	}
	if len(symptoms) > 0 {
		b.WriteString("**Symptoms reported:**\n")
		for _, s := range symptoms {
			fmt.Fprintf(&b, "- %s\n", s)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "Reported in %d conversation(s).\n", len(themes))
	d.Description = b.String()
	return d
}

// mostCommon returns up to n distinct non-empty values, most frequent first, ties alphabetical.
func mostCommon(themes []ThemeFacts, values func(ThemeFacts) []string, n int) []string {
	counts := map[string]int{}
	for _, t := range themes {
		for _, v := range values(t) {
			if v = strings.TrimSpace(v); v != "" {
				counts[v]++
			}
		}
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if counts[keys[i]] != counts[keys[j]] {
			return counts[keys[i]] > counts[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys[:min(n, len(keys))]
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func humanize(s string) string {
	s = strings.ReplaceAll(s, "_", " ")
	if s == "" {
		return "unknown"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
