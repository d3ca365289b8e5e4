package export

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode"

	"feedbackpipe/store"
)

// Markdown writes the backlog as a Markdown document: a heading per story, its
// counts, its description, its customer excerpts as a blockquote and its conversation
// ids, then the orphans as a list.
//
// What comes from customers is written inert. Titles, excerpts, ids, signatures and
// product areas are put on one line (line breaks, tabs and control characters become
// spaces) and every ASCII punctuation character in them is backslash-escaped, which
// CommonMark renders as the character itself: a title or an excerpt cannot open a
// heading, a list, a link or image ([x](y)), emphasis, a table cell or raw HTML
// (<script>, &entities;), nor end the blockquote it is in. The description is the
// backlog's own Markdown (bold labels, a code span, a list), drafted from the themes:
// its structure is kept, but the characters that would let its values open HTML,
// links, tables or headings (< > & [ ] | and a # starting a line) are escaped.
func Markdown(w io.Writer, stories []store.StoryView, orphans []store.OrphanView) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	p("# Backlog\n\n")
	for _, s := range stories {
		p("## %s\n\n%d conversations · first seen %s · last seen %s\n\n", Inline(s.Title), s.ConversationCount,
			day(s.FirstSeen), day(s.LastSeen))
		if d := Description(s.Description); d != "" {
			p("%s\n\n", d)
		}
		writeStoryText(p, s)
		for _, e := range s.Excerpts {
			p("> %s\n\n", Inline(e))
		}
		p("Conversations: %s\n\n", inlineList(s.ConversationIDs))
	}
	if len(orphans) > 0 {
		p("## Orphans\n\n")
		for _, o := range orphans {
			p("- %s (%d): %s\n", code(o.Signature), len(o.ConversationIDs), inlineList(o.ConversationIDs))
		}
	}
	return bw.Flush()
}

// Inline makes s one line of literal Markdown text: runs of white space and control
// characters become one space, the ends are trimmed and every ASCII punctuation
// character is backslash-escaped.
func Inline(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		if r < 0x80 && unicode.IsPunct(r) || r < 0x80 && unicode.IsSymbol(r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func inlineList(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = Inline(id)
	}
	return strings.Join(out, ", ")
}

var plainSignature = regexp.MustCompile(`^[a-z0-9_]+$`)

// code writes a signature as a code span when it is a plain snake_case signature,
// else as escaped text.
func code(sig string) string {
	if plainSignature.MatchString(sig) {
		return "`" + sig + "`"
	}
	return Inline(sig)
}

// Description keeps the line structure of a drafted description but escapes
// < > & [ ] | anywhere and # or > starting a line, so that the values drafted into it
// cannot open HTML, links, tables, headings or quotes. Control characters other than
// the line breaks are dropped.
func Description(s string) string {
	lines := strings.Split(strings.ReplaceAll(strings.TrimSpace(s), "\r\n", "\n"), "\n")
	for i, line := range lines {
		var b strings.Builder
		for _, r := range line {
			switch {
			case r == '\r' || r == '\u2028' || r == '\u2029':
				b.WriteByte(' ')
			case r == '\t':
				b.WriteRune(r)
			case unicode.IsControl(r):
			case strings.ContainsRune("<>&[]|", r):
				b.WriteByte('\\')
				b.WriteRune(r)
			default:
				b.WriteRune(r)
			}
		}
		line = b.String()
		if t := strings.TrimLeft(line, " \t"); strings.HasPrefix(t, "#") {
			line = line[:len(line)-len(t)] + "\\" + t
		}
		lines[i] = line
	}
	return strings.Join(lines, "\n")
}

// writeStoryText writes what the story review wrote (severity, user story, acceptance
// criteria, investigation hints), each value escaped as inert one-line text.
func writeStoryText(p func(string, ...any), s store.StoryView) {
	if s.Severity != "" {
		p("**Severity:** %s\n\n", Inline(s.Severity))
	}
	if s.UserStory != "" {
		p("**User story:** %s\n\n", Inline(s.UserStory))
	}
	for _, l := range []struct {
		label string
		items []string
	}{{"Acceptance criteria", s.AcceptanceCriteria}, {"Investigation hints", s.InvestigationHints}} {
		if len(l.items) == 0 {
			continue
		}
		p("**%s:**\n\n", l.label)
		for _, it := range l.items {
			p("- %s\n", Inline(it))
		}
		p("\n")
	}
}
