package main

import (
	"strings"
	"testing"

	"feedbackpipe/testenv"
)

// The stories command writes CSV and Markdown through backlog/export.
func TestStoriesFormats(t *testing.T) {
	dbURL := testenv.Database(t)
	out, err := runCLI(t, dbURL, "stories", "--csv")
	if err != nil || out != "kind,key,title,signature,product_area,conversation_count,first_seen,last_seen,conversation_ids,sample_excerpt\n" {
		t.Errorf("--csv: %v, %q", err, out)
	}
	out, err = runCLI(t, dbURL, "stories", "--markdown")
	if err != nil || !strings.HasPrefix(out, "# Backlog\n") {
		t.Errorf("--markdown: %v, %q", err, out)
	}
}
