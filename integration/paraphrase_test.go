package integration

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"feedbackpipe/eval"
	"feedbackpipe/internal/paraphrase"
	"feedbackpipe/localmodel"
	"feedbackpipe/pipeline"
	"feedbackpipe/sampledata"
	"feedbackpipe/workerhost"
)

// Floors of the sample run's grouping with the paraphrasing model, which finds every
// conversation's true issue but words its signature one of three ways, never reuses the offered
// ones, and blurs the built-in embeddings (noise 1.5). Merging on centroid cosine alone scored
// pairwise precision 1.00, recall 0.66, F1 0.79 there: the wordings canonicalization does not
// fold stayed apart. With wording agreement (grouping.Config.WordingThreshold), over three runs:
// precision 1.00, recall 0.83-0.93, F1 0.91-0.96 (the order in which parallel extractions mint
// the canonical spellings varies).
const (
	floorParaphrasePrecision = 0.90
	floorParaphraseF1        = 0.85
)

// TestGroupingToleratesParaphrasedSignatures runs the pipeline on the sample data with the
// paraphrasing model as the OpenAI-compatible API and scores its grouping: signature groups of
// one issue worded differently must merge, look-alike issues must not.
func TestGroupingToleratesParaphrasedSignatures(t *testing.T) {
	labels, err := sampledata.Labels()
	if err != nil {
		t.Fatal(err)
	}
	model, err := paraphrase.New(sampleConversations(t), labels, paraphrase.SampleSpecs(), localmodel.New(localmodel.Config{}, nil),
		paraphrase.Options{EmbeddingNoise: 1.5})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(model)
	t.Cleanup(srv.Close)
	e := newEnv(t, localmodel.Config{}, func(o *workerhost.Options) {
		o.Config.LLM.BaseURL, o.Config.LLM.APIKey = srv.URL+"/v1", "test-key"
		o.Config.LLM.ChatModel, o.Config.LLM.EmbeddingModel = "paraphrase-test", "paraphrase-blurred-embeddings"
	})
	e.importSample()
	runID := e.start(allTime())
	final, err := e.result(runID, 3*time.Minute)
	if err != nil {
		t.Fatalf("run failed: %v", err)
	}
	if final.Status != pipeline.StatusCompleted {
		t.Fatalf("run ended %s", final.Status)
	}
	if answered, unknown := model.Counts(); unknown != 0 || answered == 0 {
		t.Fatalf("the model answered %d extractions and did not know %d conversations", answered, unknown)
	}
	r, err := eval.ScoreRun(context.Background(), e.worker.Store, runID, labels)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("run %s: %d themed conversations scored, %d stories, %d orphans\n%s", runID, r.Conversations, r.Stories, r.OrphanGroups, r.Report)
	if r.Conversations != final.ThemesExtracted || r.Noise != 0 {
		t.Errorf("scored %d conversations (%d noise) of %d themes", r.Conversations, r.Noise, final.ThemesExtracted)
	}
	if r.PairwisePrecision < floorParaphrasePrecision {
		t.Errorf("pairwise precision %.4f below its floor %.2f", r.PairwisePrecision, floorParaphrasePrecision)
	}
	if r.PairwiseF1 < floorParaphraseF1 {
		t.Errorf("pairwise F1 %.4f below its floor %.2f", r.PairwiseF1, floorParaphraseF1)
	}
	checkNoLookAlikeMerges(t, e, runID, labels)
}
