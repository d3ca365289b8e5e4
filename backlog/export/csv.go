package export

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"feedbackpipe/store"
)

// CSVHeader names the columns CSV writes.
var CSVHeader = []string{"kind", "key", "title", "signature", "product_area", "conversation_count",
	"first_seen", "last_seen", "conversation_ids", "sample_excerpt"}

// CSV writes one row per story, then one per orphan, under CSVHeader. Every cell is
// passed through Cell, so none starts a formula.
func CSV(w io.Writer, stories []store.StoryView, orphans []store.OrphanView) error {
	cw := csv.NewWriter(w)
	write := func(cells ...string) {
		for i, c := range cells {
			cells[i] = Cell(c)
		}
		_ = cw.Write(cells) // the first error is kept by the writer and returned by Error
	}
	write(append([]string(nil), CSVHeader...)...)
	for _, s := range stories {
		excerpt := ""
		if len(s.Excerpts) > 0 {
			excerpt = s.Excerpts[0]
		}
		write("story", s.Key, s.Title, s.Signature, s.ProductArea, strconv.Itoa(s.ConversationCount),
			day(s.FirstSeen), day(s.LastSeen), strings.Join(s.ConversationIDs, " "), excerpt)
	}
	for _, o := range orphans {
		write("orphan", o.Key, o.Title, o.Signature, o.ProductArea, strconv.Itoa(len(o.ConversationIDs)),
			day(o.FirstSeen), day(o.LastSeen), strings.Join(o.ConversationIDs, " "), "")
	}
	cw.Flush()
	return cw.Error()
}

// Cell neutralises a cell a spreadsheet would read as a formula or command (OWASP's
// CSV injection guidance): one starting with = + - @, a tab or a carriage return
// (or the full-width = + - @ some spreadsheets also honour) is prefixed with a
// single quote, which spreadsheets show as text and do not evaluate.
func Cell(s string) string {
	if Dangerous(s) {
		return "'" + s
	}
	return s
}

// Dangerous reports whether a cell starting like s could be evaluated.
func Dangerous(s string) bool {
	for _, p := range []string{"=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
