package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"feedbackpipe/conversation"
	"feedbackpipe/pipeline"
)

// status shows at most pipeline.MaxReportedErrors of each kind and says where the rest are;
// errors lists every one from Postgres.
func TestErrorsListsEveryItemStatusCuts(t *testing.T) {
	n := newNoWorker(t)
	ctx := context.Background()
	n.addRun("pipeline-many", pipeline.StatusCompleted, time.Now().Add(-time.Hour).UTC(), 0)
	const filtered, failed = 25, 3
	var convs []conversation.Conversation
	for i := range filtered + failed {
		convs = append(convs, conversation.Conversation{ID: fmt.Sprintf("c%02d", i), CreatedAt: time.Now().UTC(), Subject: "s",
			Messages: []conversation.Message{{Author: "customer", Text: "export broken", CreatedAt: time.Now().UTC()}}})
	}
	if _, err := n.st.UpsertConversations(ctx, convs); err != nil {
		t.Fatal(err)
	}
	for i, c := range convs {
		outcome, detail := "filtered", "quality score 0.20 below 0.30 for signature export_broken"
		if i >= filtered {
			outcome, detail = "failed", "refused: content_filter"
		}
		if _, err := n.st.Pool().Exec(ctx, `
			INSERT INTO extractions (run_id, conversation_id, outcome, detail, content_hash, prompt_version, model)
			VALUES ('pipeline-many', @id, @outcome, @detail, 'h', 'p', 'm')`,
			pgx.NamedArgs{"id": c.ID, "outcome": outcome, "detail": detail}); err != nil {
			t.Fatal(err)
		}
	}

	out, _, err := n.cli("status", "pipeline-many")
	if err != nil {
		t.Fatalf("status: %v", err)
	}
	if got := strings.Count(out, "  warning: "); got != pipeline.MaxReportedErrors {
		t.Errorf("status shows %d warnings, want %d", got, pipeline.MaxReportedErrors)
	}
	if !strings.Contains(out, "every one: starter errors pipeline-many") {
		t.Errorf("status does not say where the other warnings are:\n%s", out)
	}
	// Read from Postgres with no worker up, the status still speaks codes, as the run's query does.
	if !strings.Contains(out, "  warning: c00: low_quality: 0.20 < 0.30\n") || strings.Contains(out, "export_broken") {
		t.Errorf("status with no worker does not give the warnings' codes:\n%s", out)
	}

	out, _, err = n.cli("errors", "pipeline-many", "--json")
	if err != nil {
		t.Fatalf("errors: %v", err)
	}
	var all struct {
		Errors   []pipeline.ItemError `json:"errors"`
		Warnings []string             `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(out), &all); err != nil {
		t.Fatalf("errors --json printed %q: %v", out, err)
	}
	if len(all.Warnings) != filtered || len(all.Errors) != failed {
		t.Errorf("errors lists %d warnings and %d errors, want %d and %d", len(all.Warnings), len(all.Errors), filtered, failed)
	}
	if len(all.Errors) > 0 && all.Errors[0] != (pipeline.ItemError{Phase: "extraction", ID: "c25", Error: "refused: content_filter"}) {
		t.Errorf("first error %+v", all.Errors[0])
	}
	if len(all.Warnings) > 0 && all.Warnings[0] != "c00: quality score 0.20 below 0.30 for signature export_broken" {
		t.Errorf("errors gives %q, want the full reason Postgres keeps", all.Warnings[0])
	}

	out, _, err = n.cli("errors", "pipeline-many")
	if err != nil || !strings.HasSuffix(out, "run pipeline-many: 3 failed item(s), 25 warning(s)\n") {
		t.Errorf("errors: %v, %q", err, out)
	}
	if _, _, err := n.cli("errors", "pipeline-missing"); err == nil || !strings.Contains(err.Error(), "no run pipeline-missing") {
		t.Errorf("errors of an unknown run: %v, want no run", err)
	}
}
