package integration

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"feedbackpipe/localmodel"
	"feedbackpipe/sampledata"
)

func TestZZDumpThemes(t *testing.T) {
	out := os.Getenv("DUMP_THEMES")
	if out == "" {
		t.Skip()
	}
	e := newEnv(t, localmodel.Config{})
	e.importSample()
	runID := e.start(allTime())
	if _, err := e.result(runID, 3*time.Minute); err != nil {
		t.Fatal(err)
	}
	themes, err := e.worker.Store.ThemesForGrouping(context.Background(), runID, e.worker.Activities.LLM.EmbeddingModel())
	if err != nil {
		t.Fatal(err)
	}
	labels, _ := sampledata.Labels()
	type row struct {
		ID, Label, Sig, Area, Comp, Action, Dir string
		Vec                                     []float32
	}
	var rows []row
	for _, th := range themes {
		rows = append(rows, row{th.ConversationID, labels[th.ConversationID], th.Signature, th.ProductArea, th.Component, th.ActionType, th.Direction, th.Vector})
	}
	b, _ := json.Marshal(rows)
	os.WriteFile(out, b, 0o644)
}
