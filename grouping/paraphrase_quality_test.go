package grouping_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"feedbackpipe/conversation"
	"feedbackpipe/eval"
	"feedbackpipe/grouping"
	"feedbackpipe/ingest"
	"feedbackpipe/internal/paraphrase"
	"feedbackpipe/llm"
	"feedbackpipe/localmodel"
	"feedbackpipe/sampledata"
	"feedbackpipe/signature"
	"feedbackpipe/vector"
)

// embeddingNoise is the paraphrasing model's blur of the built-in embeddings (the integration
// test TestGroupingToleratesParaphrasedSignatures uses the same).
const embeddingNoise = 1.5

// paraphrasedSample builds the items a run on the sample data would group with the paraphrasing
// model: each labelled issue conversation's signature in its wording, canonicalized in
// conversation order by the signature rules (so reordered words fold), its facets, and the
// model's (blurred) embedding of its digest.
func paraphrasedSample(t *testing.T) ([]grouping.Item, map[string]string) {
	t.Helper()
	res, err := ingest.Read("conversations.jsonl", bytes.NewReader(sampledata.ConversationsJSONL()), false)
	if err != nil {
		t.Fatal(err)
	}
	labels, err := sampledata.Labels()
	if err != nil {
		t.Fatal(err)
	}
	specs := paraphrase.SampleSpecs()
	var convs []conversation.Conversation
	for _, c := range res.Conversations {
		if !strings.HasPrefix(labels[c.ID], eval.NoisePrefix) {
			convs = append(convs, c)
		}
	}
	sort.Slice(convs, func(i, j int) bool { return convs[i].ID < convs[j].ID })
	model, err := paraphrase.New(res.Conversations, labels, specs, localmodel.New(localmodel.Config{}, nil), paraphrase.Options{EmbeddingNoise: embeddingNoise})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(model)
	defer srv.Close()
	client := llm.New(llm.Config{BaseURL: srv.URL + "/v1", APIKey: "test", ChatModel: "c", EmbeddingModel: "e",
		MaxAttempts: 1, CallTimeout: 30 * time.Second}, nil)
	digests := make([]string, len(convs))
	for i := range convs {
		digests[i] = convs[i].Digest(2000)
	}
	vecs, _, err := client.Embed(context.Background(), digests)
	if err != nil {
		t.Fatal(err)
	}
	cache := signature.NewCache(nil, nil, 1<<20)
	items := make([]grouping.Item, len(convs))
	for i, c := range convs {
		spec := specs[labels[c.ID]]
		r, err := cache.Resolve(spec.Signatures[paraphrase.Variant(c.ID)], spec.ProductArea, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		items[i] = grouping.Item{ID: c.ID, Signature: r.Canonical, ProductArea: r.ProductArea,
			ActionType: spec.ActionType, Direction: spec.Direction, Vector: vector.Quantize(vecs[i])}
	}
	return items, labels
}

// score groups the items and scores the groups against the labels.
func score(items []grouping.Item, labels map[string]string, cfg grouping.Config) (eval.Report, []grouping.Group) {
	groups := grouping.Run(items, cfg)
	pred := map[string]eval.Assignment{}
	for _, g := range groups {
		for _, m := range g.Members {
			pred[items[m].ID] = eval.Assignment{Cluster: g.Key, Orphan: len(g.Members) < 3}
		}
	}
	return eval.Evaluate(pred, labels), groups
}

// TestParaphrasedSignaturesMerge: the sample's issues, each worded three ways by the paraphrasing
// model, group into their issues (the integration test TestGroupingToleratesParaphrasedSignatures
// measures the same through a whole run), and no look-alike issues share a group.
func TestParaphrasedSignaturesMerge(t *testing.T) {
	items, labels := paraphrasedSample(t)
	r, groups := score(items, labels, grouping.DefaultConfig())
	for _, g := range groups {
		seen := map[string]int{}
		for _, m := range g.Members {
			seen[labels[items[m].ID]]++
		}
		t.Logf("%-45s %3d %v %v", g.Key, len(g.Members), g.Signatures, seen)
	}
	t.Logf("pairwise P %.3f R %.3f F1 %.3f", r.PairwisePrecision, r.PairwiseRecall, r.PairwiseF1)
	off := grouping.DefaultConfig()
	off.WordingThreshold = 0
	before, _ := score(items, labels, off)
	t.Logf("centroids alone: pairwise P %.3f R %.3f F1 %.3f", before.PairwisePrecision, before.PairwiseRecall, before.PairwiseF1)
	if r.PairwiseF1 < 0.85 || r.PairwisePrecision < 0.95 {
		t.Errorf("pairwise P %.3f R %.3f F1 %.3f, want F1 ≥ 0.85 with P ≥ 0.95", r.PairwisePrecision, r.PairwiseRecall, r.PairwiseF1)
	}
}
