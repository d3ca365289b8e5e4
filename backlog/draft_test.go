package backlog

import (
	"strings"
	"testing"
)

func TestBuild(t *testing.T) {
	themes := []ThemeFacts{
		{Signature: "csv_export_missing_columns", ProductArea: "analytics", Component: "csv_export", UserIntent: "Csv export is missing columns",
			Symptoms: []string{"engagement column missing", "file smaller"}, AffectedFlow: "export report"},
		{Signature: "csv_export_missing_columns", ProductArea: "analytics", Component: "csv_export", UserIntent: "Csv export is missing columns",
			Symptoms: []string{"engagement column missing"}, AffectedFlow: "export report"},
		{Signature: "csv_export_columns_gone", ProductArea: "reports", Component: "export", UserIntent: "Get all columns",
			Symptoms: []string{"columns gone"}},
	}
	d := Build("csv_export_missing_columns", themes)
	if d.Title != "Csv export is missing columns" {
		t.Errorf("title %q: the most common intent, without repeating the component it names", d.Title)
	}
	if d.ProductArea != "analytics" || d.Component != "csv_export" {
		t.Errorf("area/component %s/%s, want the most common", d.ProductArea, d.Component)
	}
	for _, want := range []string{"`csv_export_missing_columns`", "Analytics", "export report", "- engagement column missing", "3 conversation(s)"} {
		if !strings.Contains(d.Description, want) {
			t.Errorf("description lacks %q:\n%s", want, d.Description)
		}
	}
	if strings.Index(d.Description, "engagement column missing") > strings.Index(d.Description, "columns gone") {
		t.Error("symptoms are not ordered by frequency")
	}
	other := Build("x_slow", []ThemeFacts{{Component: "calendar_sync", UserIntent: "Faster loading"}})
	if other.Title != "Calendar sync: Faster loading" {
		t.Errorf("title %q: an intent that does not name the component gets it as a prefix", other.Title)
	}
	long := Build("x_slow", []ThemeFacts{{Component: "c", UserIntent: strings.Repeat("word ", 60)}})
	if n := len([]rune(long.Title)); n > MaxTitle {
		t.Errorf("title of %d runes, bound %d", n, MaxTitle)
	}
}
