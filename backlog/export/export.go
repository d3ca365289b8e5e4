// Package export writes the backlog as CSV and Markdown for other tools, safely: a
// spreadsheet never runs a cell as a formula, and customer text in a Markdown
// document never renders as the document's own headings, links or HTML.
package export

import "time"

func day(t time.Time) string { return t.UTC().Format("2006-01-02") }
