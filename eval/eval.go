// Package eval scores a grouping of conversations against ground-truth labels.
//
// # What is evaluated
//
// A prediction maps each conversation that has a theme in the run to where the grouping put it:
// a cluster key (the story or the orphan it ended in) and whether that cluster is an orphan. A
// conversation with an empty key ended in neither (its group failed to write): it is its own
// singleton cluster. The truth maps conversation ids to labels (labels.csv).
//
//   - The population is the conversations of the prediction that have a label. Conversations the
//     run did not theme (not actionable, filtered, failed, outside the window) are not scored:
//     extraction is judged elsewhere; the grouping can only be judged on what it was given. They
//     are counted in LabelsUnmatched; themed conversations without a label in Unlabelled. So a
//     model that drops a hard issue conversation as not actionable loses nothing here: what it
//     drops shows in IssueCoverage, the share of the labelled issue conversations (noise aside)
//     the run themed, to be read beside the scores.
//   - Noise: a label starting with NoisePrefix ("noise_": thanks, spam, billing, …) names no
//     issue, so two noise conversations are never "the same issue". A noise conversation that
//     got a theme is its own singleton class in the truth: grouping it alone costs nothing,
//     grouping it with anything is a false pair.
//   - Orphans are clusters like stories: two conversations in the same orphan were grouped
//     together. OrphanRate reports how much of the population ended in orphans.
//
// # Metrics
//
// Over all pairs of evaluated conversations, pairwise precision is the share of pairs put
// together that truly belong together, recall the share of true pairs put together, F1 their
// harmonic mean. BCubed precision (recall) averages, over conversations, the share of its
// predicted cluster (true class) that shares its true class (predicted cluster). The adjusted
// Rand index (Hubert and Arabie) is the pair agreement corrected for chance: 1 for identical
// partitions, about 0 for independent ones, negative when worse than chance. With nothing to
// measure (no pairs on a side) precision and recall are 1, and so is ARI when both partitions
// are trivially identical (all singletons or one cluster).
package eval

import (
	"fmt"
	"sort"
	"strings"
)

// NoisePrefix starts every label of a conversation that names no issue.
const NoisePrefix = "noise_"

// Assignment is where the grouping put one conversation.
type Assignment struct {
	Cluster string // story or orphan key; empty when the conversation ended in neither
	Orphan  bool   // the cluster is an orphan (fewer than the story minimum so far)
}

// Report holds the scores and the counts they were computed from.
type Report struct {
	Conversations   int `json:"conversations"`    // evaluated: themed in the run and labelled
	Unlabelled      int `json:"unlabelled"`       // themed but without a label: not evaluated
	LabelsUnmatched int `json:"labels_unmatched"` // labels of conversations without a theme in the run
	IssuesUnthemed  int `json:"issues_unthemed"`  // of those, the labels naming an issue (not noise)
	Noise           int `json:"noise"`            // evaluated conversations with a noise label
	TrueClasses     int `json:"true_classes"`     // distinct true classes (each noise conversation is one)
	Clusters        int `json:"clusters"`         // distinct predicted clusters (each unclustered one is one)
	Stories         int `json:"stories"`          // distinct story keys
	OrphanGroups    int `json:"orphan_groups"`    // distinct orphan keys
	InStories       int `json:"in_stories"`       // evaluated conversations in a story
	InOrphans       int `json:"in_orphans"`       // evaluated conversations in an orphan
	Unclustered     int `json:"unclustered"`      // evaluated conversations in neither

	PairwisePrecision float64 `json:"pairwise_precision"`
	PairwiseRecall    float64 `json:"pairwise_recall"`
	PairwiseF1        float64 `json:"pairwise_f1"`
	BCubedPrecision   float64 `json:"bcubed_precision"`
	BCubedRecall      float64 `json:"bcubed_recall"`
	BCubedF1          float64 `json:"bcubed_f1"`
	ARI               float64 `json:"adjusted_rand_index"`
	OrphanRate        float64 `json:"orphan_rate"`      // InOrphans / Conversations
	UnclusteredRate   float64 `json:"unclustered_rate"` // Unclustered / Conversations
	IssueCoverage     float64 `json:"issue_coverage"`   // labelled issue conversations themed, of all labelled issue conversations
}

// Metric is one named value of a report, for printing.
type Metric struct {
	Name  string
	Value float64
	Count bool // an integer count rather than a score
}

// Metrics lists the report's values in a fixed order: scores first, then counts.
func (r Report) Metrics() []Metric {
	return []Metric{
		{"pairwise_precision", r.PairwisePrecision, false},
		{"pairwise_recall", r.PairwiseRecall, false},
		{"pairwise_f1", r.PairwiseF1, false},
		{"bcubed_precision", r.BCubedPrecision, false},
		{"bcubed_recall", r.BCubedRecall, false},
		{"bcubed_f1", r.BCubedF1, false},
		{"adjusted_rand_index", r.ARI, false},
		{"orphan_rate", r.OrphanRate, false},
		{"unclustered_rate", r.UnclusteredRate, false},
		{"issue_coverage", r.IssueCoverage, false},
		{"conversations", float64(r.Conversations), true},
		{"true_classes", float64(r.TrueClasses), true},
		{"noise", float64(r.Noise), true},
		{"clusters", float64(r.Clusters), true},
		{"stories", float64(r.Stories), true},
		{"orphan_groups", float64(r.OrphanGroups), true},
		{"in_stories", float64(r.InStories), true},
		{"in_orphans", float64(r.InOrphans), true},
		{"unclustered", float64(r.Unclustered), true},
		{"unlabelled", float64(r.Unlabelled), true},
		{"labels_unmatched", float64(r.LabelsUnmatched), true},
		{"issues_unthemed", float64(r.IssuesUnthemed), true},
	}
}

// Evaluate scores the predicted clustering against the truth (see the package comment for the
// population and the treatment of noise, orphans and unclustered conversations).
func Evaluate(pred map[string]Assignment, truth map[string]string) Report {
	var r Report
	ids := make([]string, 0, len(pred))
	for id := range pred {
		if _, ok := truth[id]; ok {
			ids = append(ids, id)
		} else {
			r.Unlabelled++
		}
	}
	sort.Strings(ids) // a fixed order: sums of floats come out the same every time
	r.LabelsUnmatched = len(truth) - len(ids)
	issues := 0
	for id, label := range truth {
		if strings.HasPrefix(label, NoisePrefix) {
			continue
		}
		issues++
		if _, ok := pred[id]; !ok {
			r.IssuesUnthemed++
		}
	}
	r.IssueCoverage = 1
	if issues > 0 {
		r.IssueCoverage = float64(issues-r.IssuesUnthemed) / float64(issues)
	}
	r.Conversations = len(ids)

	// Number the classes and clusters; noise conversations and unclustered ones are singletons.
	classOf := make([]int, len(ids))
	clusterOf := make([]int, len(ids))
	classIDs, clusterIDs := map[string]int{}, map[string]int{}
	stories, orphans := map[string]bool{}, map[string]bool{}
	nClasses, nClusters := 0, 0
	for i, id := range ids {
		label := truth[id]
		if strings.HasPrefix(label, NoisePrefix) {
			r.Noise++
			classOf[i] = nClasses
			nClasses++
		} else {
			c, ok := classIDs[label]
			if !ok {
				c = nClasses
				classIDs[label] = c
				nClasses++
			}
			classOf[i] = c
		}
		a := pred[id]
		switch {
		case a.Cluster == "":
			r.Unclustered++
			clusterOf[i] = nClusters
			nClusters++
			continue
		case a.Orphan:
			r.InOrphans++
			orphans[a.Cluster] = true
		default:
			r.InStories++
			stories[a.Cluster] = true
		}
		// A key is one cluster whether story or orphan (the same key is never both in one run).
		c, ok := clusterIDs[a.Cluster]
		if !ok {
			c = nClusters
			clusterIDs[a.Cluster] = c
			nClusters++
		}
		clusterOf[i] = c
	}
	r.TrueClasses, r.Clusters = nClasses, nClusters
	r.Stories, r.OrphanGroups = len(stories), len(orphans)
	if r.Conversations > 0 {
		r.OrphanRate = float64(r.InOrphans) / float64(r.Conversations)
		r.UnclusteredRate = float64(r.Unclustered) / float64(r.Conversations)
	}
	s := scores(classOf, clusterOf, nClasses, nClusters)
	r.PairwisePrecision, r.PairwiseRecall, r.PairwiseF1 = s.pairP, s.pairR, s.pairF1
	r.BCubedPrecision, r.BCubedRecall, r.BCubedF1 = s.bcP, s.bcR, s.bcF1
	r.ARI = s.ari
	return r
}

type scoreSet struct {
	pairP, pairR, pairF1 float64
	bcP, bcR, bcF1       float64
	ari                  float64
}

// scores computes every metric from the contingency table of the two partitions: class[i] and
// cluster[i] number item i's true class and predicted cluster.
func scores(class, cluster []int, nClasses, nClusters int) scoreSet {
	n := len(class)
	classSize := make([]int64, nClasses)
	clusterSize := make([]int64, nClusters)
	counts := map[[2]int]int64{}
	for i := range class {
		classSize[class[i]]++
		clusterSize[cluster[i]]++
		counts[[2]int{class[i], cluster[i]}]++
	}
	// Sum the cells in a fixed order, so the floats are the same on every call.
	cells := make([][2]int, 0, len(counts))
	for k := range counts {
		cells = append(cells, k)
	}
	sort.Slice(cells, func(a, b int) bool {
		if cells[a][0] != cells[b][0] {
			return cells[a][0] < cells[b][0]
		}
		return cells[a][1] < cells[b][1]
	})
	pairs := func(k int64) float64 { return float64(k) * float64(k-1) / 2 }
	var together, truePairs, predPairs float64 // pairs sharing both, a class, a cluster
	var bcP, bcR float64
	for _, k := range cells {
		nij := counts[k]
		together += pairs(nij)
		// Each of the nij items of this cell has nij of its cluster (class) in its class (cluster).
		bcP += float64(nij) * float64(nij) / float64(clusterSize[k[1]])
		bcR += float64(nij) * float64(nij) / float64(classSize[k[0]])
	}
	for _, a := range classSize {
		truePairs += pairs(a)
	}
	for _, b := range clusterSize {
		predPairs += pairs(b)
	}
	var s scoreSet
	s.pairP, s.pairR = ratioOrOne(together, predPairs), ratioOrOne(together, truePairs)
	s.pairF1 = harmonic(s.pairP, s.pairR)
	if n > 0 {
		s.bcP, s.bcR = bcP/float64(n), bcR/float64(n)
	} else {
		s.bcP, s.bcR = 1, 1
	}
	s.bcF1 = harmonic(s.bcP, s.bcR)
	all := pairs(int64(n))
	s.ari = 1
	if all > 0 {
		expected := truePairs * predPairs / all
		maxIndex := (truePairs + predPairs) / 2
		if maxIndex != expected {
			s.ari = (together - expected) / (maxIndex - expected)
		}
	}
	return s
}

func ratioOrOne(num, den float64) float64 {
	if den == 0 {
		return 1
	}
	return num / den
}

func harmonic(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// String formats the report as a two-column table: metric and value.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-22s %s\n", "METRIC", "VALUE")
	for _, m := range r.Metrics() {
		if m.Count {
			fmt.Fprintf(&b, "%-22s %d\n", m.Name, int(m.Value))
		} else {
			fmt.Fprintf(&b, "%-22s %.4f\n", m.Name, m.Value)
		}
	}
	return b.String()
}
