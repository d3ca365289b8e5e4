package ingest

import (
	stdhtml "html"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlToText turns an Intercom body into plain text.
//
// With a '<' in it the body is read as HTML (golang.org/x/net/html's tokenizer): tags
// are dropped, entities decoded (&amp; &lt; &#39; &nbsp; …), the contents of script,
// style and title elements dropped, white space collapsed as a browser would,
// block elements (p, div, br, li, headings, table rows, …) start a new line and table
// cells are separated by a space; a link keeps its text only. Empty lines are dropped
// and every line is trimmed.
//
// Without a '<' the body is taken as plain text: entities are decoded, its line
// breaks kept and runs of other white space collapsed.
func htmlToText(s string) string {
	if !strings.Contains(s, "<") {
		return tidyLines(stdhtml.UnescapeString(s))
	}
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	skip := 0 // depth inside elements whose content is not text
	for {
		switch z.Next() {
		case html.ErrorToken: // io.EOF: the tokenizer reads from a string, so no other error
			return tidyLines(b.String())
		case html.TextToken:
			if skip == 0 {
				// Source line breaks are white space in HTML, not line breaks.
				b.WriteString(strings.Map(func(r rune) rune {
					if unicode.IsSpace(r) {
						return ' '
					}
					return r
				}, string(z.Text())))
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			tt := z.Token()
			switch tt.DataAtom {
			case atom.Script, atom.Style, atom.Title:
				if tt.Type == html.StartTagToken {
					skip++
				} else if tt.Type == html.EndTagToken && skip > 0 {
					skip--
				}
			case atom.Br, atom.P, atom.Div, atom.Li, atom.Ul, atom.Ol, atom.Dl, atom.Dt, atom.Dd,
				atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
				atom.Blockquote, atom.Pre, atom.Hr, atom.Table, atom.Tr, atom.Section,
				atom.Article, atom.Header, atom.Footer, atom.Figure, atom.Figcaption, atom.Address:
				b.WriteByte('\n')
			case atom.Td, atom.Th:
				b.WriteByte(' ')
			}
		}
	}
}

// tidyLines trims every line, collapses runs of white space within a line to one
// space (a no-break space counts as white space) and drops empty lines.
func tidyLines(s string) string {
	var out []string
	for line := range strings.SplitSeq(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			out = append(out, strings.Join(f, " "))
		}
	}
	return strings.Join(out, "\n")
}
