package grouping

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"feedbackpipe/eval"
)

func TestZZDev(t *testing.T) {
	path := os.Getenv("THEMES")
	if path == "" {
		t.Skip()
	}
	var rows []struct {
		ID, Label, Sig, Area, Comp, Action, Dir string
		Vec                                     []float32
	}
	b, _ := os.ReadFile(path)
	json.Unmarshal(b, &rows)
	items := make([]Item, len(rows))
	truth := map[string]string{}
	for i, r := range rows {
		items[i] = Item{ID: r.ID, Signature: r.Sig, ProductArea: r.Area, ActionType: r.Action, Direction: r.Dir, Vector: r.Vec}
		truth[r.ID] = r.Label
	}
	variants := map[string]Config{}
	base := DefaultConfig()
	variants["0 sig only"] = Config{MergeThreshold: 2, CrossAreaThreshold: 0, Split: SplitNone}
	old := Config{MergeThreshold: 0.80, MemberThreshold: 0.55, Split: SplitNone}
	variants["1 old defaults"] = old
	variants["2 default"] = base
	for _, m := range []float64{0.5, 0.55, 0.6, 0.65} {
		for _, x := range []float64{0, 0.65, 0.7, 0.71, 0.72, 0.75} {
			for _, mem := range []float64{0.55} {
				c := base
				c.MergeThreshold, c.CrossAreaThreshold, c.MemberThreshold = m, x, mem
				variants[fmt.Sprintf("m%.2f x%.2f mem%.2f", m, x, mem)] = c
			}
		}
	}
	for _, s := range []SplitMode{SplitAll, SplitActionOnly, SplitNone} {
		c := base
		c.Split = s
		variants[fmt.Sprintf("default split%d", s)] = c
	}
	for _, mem := range []float64{0.6, 0.7, 0.75, 0.8, 0.85} {
		c := base
		c.MemberThreshold = mem
		variants[fmt.Sprintf("default mem%.2f", mem)] = c
	}
	lsh := base
	lsh.ExactLimit = -1
	variants["default lsh"] = lsh
	if v := os.Getenv("ONLY"); v != "" {
		variants = map[string]Config{v: variants[v]}
	}
	for name, cfg := range variants {
		groups := Run(items, cfg)
		pred := map[string]eval.Assignment{}
		for _, g := range groups {
			for _, m := range g.Members {
				pred[items[m].ID] = eval.Assignment{Cluster: g.Key, Orphan: len(g.Members) < 3}
			}
		}
		r := eval.Evaluate(pred, truth)
		fmt.Printf("%-26s P %.3f R %.3f F1 %.3f  B3 %.3f  ARI %.3f  orph %.3f  stories %d\n", name, r.PairwisePrecision, r.PairwiseRecall, r.PairwiseF1, r.BCubedF1, r.ARI, r.OrphanRate, r.Stories)
		if os.Getenv("SHOW") != "" {
			for _, g := range groups {
				labels := map[string]int{}
				for _, m := range g.Members {
					labels[truth[items[m].ID]]++
				}
				fmt.Printf("   %3d %-40s %v %v\n", len(g.Members), g.Key, g.Signatures, labels)
			}
		}
	}
}
