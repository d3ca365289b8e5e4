package errcode

import (
	"testing"

	"feedbackpipe/pipeline"
)

// A status's failed items and warnings carry codes, and a story group's key (model output) leaves
// as its GroupRef.
func TestItemsAndWarningsAreCodes(t *testing.T) {
	got := Items([]pipeline.ItemError{
		{Phase: pipeline.PhaseExtraction, ID: "c1", Error: "quality score 0.20 below 0.30 for signature " + secret},
		{Phase: pipeline.PhaseStories, ID: "instagram_unlinked", Error: "write group: ERROR: boom (SQLSTATE 23505)"},
	})
	want := []pipeline.ItemError{
		{Phase: pipeline.PhaseExtraction, ID: "c1", Error: "low_quality: 0.20 < 0.30"},
		{Phase: pipeline.PhaseStories, ID: GroupRef("instagram_unlinked"), Error: "db_error: SQLSTATE 23505"},
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("Items = %+v, want %+v", got, want)
	}
	if w := Warnings([]string{"group instagram_unlinked: rejected: noise"}); len(w) != 1 || w[0] != GroupRef("instagram_unlinked")+": rejected: noise" {
		t.Errorf("Warnings = %q", w)
	}
	if Items(nil) != nil || Warnings(nil) != nil {
		t.Error("nil is not kept nil")
	}
}
