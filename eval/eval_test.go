package eval

import (
	"math"
	"strings"
	"testing"
)

// partition builds a prediction and a truth from parallel lists: item i is "c<i>", in cluster
// pred[i] and of label truth[i].
func partition(pred, truth []string) (map[string]Assignment, map[string]string) {
	p, t := map[string]Assignment{}, map[string]string{}
	for i := range pred {
		id := "c" + string(rune('a'+i))
		p[id] = Assignment{Cluster: pred[i]}
		t[id] = truth[i]
	}
	return p, t
}

func near(t *testing.T, name string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-9 {
		t.Errorf("%s = %.10f, want %.10f", name, got, want)
	}
}

// Truth {1,2,3} {4,5,6}; predicted {1,2} {3,4} {5,6}. Contingency: A:X2 Y1, B:Y1 Z2.
// Pairs together in both: C(2,2)+C(2,2) = 2; true pairs 3+3 = 6; predicted pairs 1+1+1 = 3;
// all pairs C(6,2) = 15. Pairwise P = 2/3, R = 2/6, F1 = 4/9.
// ARI: expected = 6*3/15 = 1.2, max = (6+3)/2 = 4.5, ARI = (2-1.2)/(4.5-1.2) = 0.8/3.3 = 8/33
// (scikit-learn: adjusted_rand_score([0,0,0,1,1,1], [0,0,1,1,2,2]) = 0.2424…).
// BCubed P = (1+1+½+½+1+1)/6 = 5/6; R = (⅔+⅔+⅓+⅓+⅔+⅔)/6 = 5/9; F1 = 2·(5/6)(5/9)/(5/6+5/9) = 2/3.
func TestSixItemsThreeClusters(t *testing.T) {
	p, tr := partition([]string{"x", "x", "y", "y", "z", "z"}, []string{"a", "a", "a", "b", "b", "b"})
	r := Evaluate(p, tr)
	near(t, "pairwise precision", r.PairwisePrecision, 2.0/3)
	near(t, "pairwise recall", r.PairwiseRecall, 1.0/3)
	near(t, "pairwise F1", r.PairwiseF1, 4.0/9)
	near(t, "ARI", r.ARI, 8.0/33)
	near(t, "BCubed precision", r.BCubedPrecision, 5.0/6)
	near(t, "BCubed recall", r.BCubedRecall, 5.0/9)
	near(t, "BCubed F1", r.BCubedF1, 2.0/3)
	if r.Conversations != 6 || r.TrueClasses != 2 || r.Clusters != 3 || r.Stories != 3 || r.InStories != 6 {
		t.Errorf("counts %+v", r)
	}
}

// The two classic small ARI values: [0,0,1,1] vs [0,0,1,2] gives 4/7 (index 1, expected
// 2·1/6 = 1/3, max 3/2: (2/3)/(7/6)); [0,0,1,1] vs [0,1,0,1] gives -1/2 (index 0, expected
// 2·2/6 = 2/3, max 2: (-2/3)/(4/3)).
func TestKnownARI(t *testing.T) {
	for _, tc := range []struct {
		name        string
		pred, truth []string
		ari         float64
		p, r        float64
	}{
		{"one class split", []string{"x", "x", "y", "z"}, []string{"a", "a", "b", "b"}, 4.0 / 7, 1, 0.5},
		{"crossed", []string{"x", "y", "x", "y"}, []string{"a", "a", "b", "b"}, -0.5, 0, 0},
		{"identical", []string{"x", "x", "y", "y"}, []string{"a", "a", "b", "b"}, 1, 1, 1},
		{"relabelled identical", []string{"q", "r", "r", "s"}, []string{"a", "b", "b", "c"}, 1, 1, 1},
		{"all singletons both", []string{"x", "y", "z"}, []string{"a", "b", "c"}, 1, 1, 1},
		{"one cluster both", []string{"x", "x", "x"}, []string{"a", "a", "a"}, 1, 1, 1},
		{"everything merged", []string{"x", "x", "x", "x"}, []string{"a", "a", "b", "b"}, 0, 1.0 / 3, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, tr := partition(tc.pred, tc.truth)
			r := Evaluate(p, tr)
			near(t, "ARI", r.ARI, tc.ari)
			near(t, "pairwise precision", r.PairwisePrecision, tc.p)
			near(t, "pairwise recall", r.PairwiseRecall, tc.r)
		})
	}
}

// Noise conversations are singletons in the truth: two of them grouped together are a false
// pair. Truth {a1,a2} {n1} {n2}; predicted {a1,a2} {n1,n2}: P = 1/2, R = 1/1, and
// ARI = (1 - 1·2/6)/((1+2)/2 - 1/3) = 4/7.
func TestNoiseIsSingletons(t *testing.T) {
	pred := map[string]Assignment{
		"a1": {Cluster: "k"}, "a2": {Cluster: "k"},
		"n1": {Cluster: "spam", Orphan: true}, "n2": {Cluster: "spam", Orphan: true},
	}
	truth := map[string]string{"a1": "issue", "a2": "issue", "n1": "noise_spam", "n2": "noise_spam"}
	r := Evaluate(pred, truth)
	near(t, "pairwise precision", r.PairwisePrecision, 0.5)
	near(t, "pairwise recall", r.PairwiseRecall, 1)
	near(t, "ARI", r.ARI, 4.0/7)
	// BCubed: a1, a2 perfect; n1, n2 precision 1/2, recall 1: P = 3/4, R = 1.
	near(t, "BCubed precision", r.BCubedPrecision, 0.75)
	near(t, "BCubed recall", r.BCubedRecall, 1)
	if r.Noise != 2 || r.TrueClasses != 3 || r.InOrphans != 2 || r.OrphanGroups != 1 || r.Stories != 1 {
		t.Errorf("counts %+v", r)
	}
	near(t, "orphan rate", r.OrphanRate, 0.5)

	// Kept apart, noise costs nothing.
	pred["n2"] = Assignment{Cluster: "other", Orphan: true}
	r = Evaluate(pred, truth)
	near(t, "pairwise precision", r.PairwisePrecision, 1)
	near(t, "ARI", r.ARI, 1)
}

// The population is the prediction's labelled conversations; an unclustered one is a singleton.
func TestPopulationAndUnclustered(t *testing.T) {
	pred := map[string]Assignment{
		"a1": {Cluster: "k"}, "a2": {Cluster: "k"}, "a3": {}, // a3's group failed
		"x": {Cluster: "k"}, // themed but unlabelled: not evaluated
	}
	truth := map[string]string{"a1": "i", "a2": "i", "a3": "i", "b1": "j", "n": "noise_thanks"}
	r := Evaluate(pred, truth)
	if r.Conversations != 3 || r.Unlabelled != 1 || r.LabelsUnmatched != 2 || r.Unclustered != 1 || r.Clusters != 2 {
		t.Fatalf("counts %+v", r)
	}
	// One true pair of three put together; nothing wrong put together.
	near(t, "pairwise precision", r.PairwisePrecision, 1)
	near(t, "pairwise recall", r.PairwiseRecall, 1.0/3)
	near(t, "unclustered rate", r.UnclusteredRate, 1.0/3)
	// ARI: index 1, true pairs 3, predicted 1, all 3: expected 1, max 2 → 0.
	near(t, "ARI", r.ARI, 0)
	// Of the four issue conversations (a1, a2, a3, b1) the run themed three; the noise one it
	// did not theme is no issue left out.
	if r.IssuesUnthemed != 1 {
		t.Errorf("issues unthemed %d, want 1 (b1)", r.IssuesUnthemed)
	}
	near(t, "issue coverage", r.IssueCoverage, 0.75)
}

func TestEmpty(t *testing.T) {
	r := Evaluate(nil, map[string]string{"a": "x"})
	if r.Conversations != 0 || r.LabelsUnmatched != 1 || r.PairwisePrecision != 1 || r.ARI != 1 {
		t.Errorf("empty report %+v", r)
	}
	if !strings.Contains(r.String(), "pairwise_f1") {
		t.Errorf("table misses a metric:\n%s", r)
	}
}

// Evaluate does not depend on map iteration order: the same input gives the same floats.
func TestDeterministic(t *testing.T) {
	pred, truth := map[string]Assignment{}, map[string]string{}
	for i := range 200 {
		id := string(rune('A'+i%26)) + string(rune('a'+i/26))
		pred[id] = Assignment{Cluster: string(rune('k' + i%7))}
		truth[id] = string(rune('p' + i%5))
	}
	first := Evaluate(pred, truth)
	for range 20 {
		if got := Evaluate(pred, truth); got != first {
			t.Fatalf("reports differ: %+v vs %+v", got, first)
		}
	}
}

func TestReadLabels(t *testing.T) {
	got, err := ReadLabels(strings.NewReader("\ufeffconversation_id,label\nc1,issue_a\n c2 , noise_spam \n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["c1"] != "issue_a" || got["c2"] != "noise_spam" {
		t.Errorf("labels %v", got)
	}
	for name, in := range map[string]string{
		"empty":      "",
		"bad header": "id,label\nc1,a\n",
		"duplicate":  "conversation_id,label\nc1,a\nc1,b\n",
		"blank":      "conversation_id,label\nc1,\n",
		"three":      "conversation_id,label\nc1,a,b\n",
	} {
		if _, err := ReadLabels(strings.NewReader(in)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := ReadLabels(strings.NewReader("conversation_id,label\nc1,a\nc1,b\n")); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("duplicate error should name line 3: %v", err)
	}
}
