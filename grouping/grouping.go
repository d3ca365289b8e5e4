// Package grouping groups a run's themes into candidate stories. It is biased against wrong
// merges: two issues hidden in one story cost more than one issue split over two stories.
//
// # Algorithm
//
//  1. Signature groups. Items are sorted by (signature, id) and grouped by canonical signature.
//     A signature group's product area and facets are its members' most common values; its
//     centroid is the mean of its members' unit-normalised vectors.
//
//  2. Candidate pairs, without comparing every group with every other. Groups are bucketed by
//     product area. A bucket of at most ExactLimit groups compares all its pairs; a bigger one
//     goes through a random-hyperplane LSH index: lshTables tables hash every centroid to
//     lshBits sign bits each; in each table the bucket is sorted by code and every group meets
//     the lshWindow groups on either side of it, so centroids with long common code prefixes in
//     some table meet while the work stays O(groups · tables · window). Across areas (when
//     CrossAreaThreshold > 0) all groups are compared the same way, exhaustively when there are
//     at most ExactLimit, through the index otherwise. A pair is an edge when its facets are
//     compatible (step 4) and its centroid cosine reaches MergeThreshold (same product area) or
//     CrossAreaThreshold (different areas; it may be set stricter, since extractors name areas
//     inconsistently). Two groups of one area whose signatures say the same in other words
//     (wording.go: words folded by light stemming, a small table of general
//     support synonyms such as lost/missing/dropped and double/duplicate, two-word phrases such as
//     not_received, fillers dropped, a word one slip from a more common one read as it (spelling.go:
//     retrun is return); then one wording's words all among the other's, at most two more) are an
//     edge from the lower WordingThreshold. A wording that has a word the other
//     lacks on both sides (csv_export vs pdf_export) may name another object and never agrees. In
//     big buckets such pairs are found by hashing each wording whole and with one or two words
//     left out, so they meet without comparing all pairs.
//
//  3. Agglomeration. Edges are taken by decreasing cosine (ties by group number). An edge joins
//     the two clusters it connects only if, for the clusters as they are now: their facets are
//     compatible; their centroids are still within the edge's threshold (average linkage: a
//     cluster cannot creep towards unrelated groups one edge at a time; the same-area threshold
//     applies only when both clusters are also of that area); and every member signature
//     group's centroid stays within MemberThreshold of the merged centroid (complete-linkage
//     like: A~B and B~C never pull in a C far from A). A wording edge joins two clusters at the
//     lower threshold only if their biggest signatures agree in wording, or reach MergeThreshold,
//     and so does every other signature of the one with every signature of the other, but for
//     minor ones (at most a quarter of their cluster), so a vague signature never chains two
//     issues (export_fails between csv_export_fails and pdf_export_fails) and a stray signature a
//     cluster took on its centroid does not keep two wordings of one issue apart. Memory is linear: one
//     sum vector and one folded wording per signature group, the index's codes and wording keys,
//     and the edges found.
//
//  4. Facets and split. Facets says which facets must agree: by default (FacetsPolar) the
//     action_type and the polar directions (excess, deficit, creation, deletion: "too many" and
//     "none" need different fixes); the other directions (modification, performance, neutral
//     say how a problem shows, not which way it goes) agree with any. Groups whose facets
//     disagree never merge. A cluster whose members disagree is partitioned by facet: members
//     whose direction agrees with any join the most similar part of their action type; parts
//     smaller than MinSize join the most similar big part (same action type first). When at
//     least two parts are big enough to be stories on their own, the cluster splits into them;
//     otherwise it stays whole.
//
//  5. Output. A group's dominant signature is its most common one (ties by name). Its Key, the
//     story or orphan key, is the dominant signature, stable across runs as canonical
//     signatures are; a further split part whose dominant signature is taken gets
//     "signature:action_type.direction", with the facets as compared (':' never occurs in a
//     signature). Groups come largest first, then by key; members ascend.
//
// Everything is ordered by signature and id, the hyperplanes come from a fixed seed, and sums
// are taken in that order, so the same items give the same groups whatever their input order.
// 100,000 themes of 20,000 signatures (256 dimensions) group in 2–4 s on two cores, allocating
// about 140 MB besides the input's quantized vectors (BenchmarkGrouping100k).
package grouping

import "feedbackpipe/vector"

// Item is one theme to group.
type Item struct {
	ID          string
	Signature   string
	ProductArea string
	ActionType  string           // extraction.ActionTypes: bug_report, feature_request, …
	Direction   string           // extraction.Directions: excess, deficit, creation, …
	Vector      vector.Quantized // may be nil when the theme has no embedding
	Excerpt     string           // the customer's own words (a key excerpt), or "": which things its members name
}

// Facets says which facets must agree, both for two groups to merge and for a group to stay
// together.
type Facets int

const (
	// FacetsPolar: action_type, and the polar directions (excess, deficit, creation, deletion);
	// any other direction agrees with every direction.
	FacetsPolar Facets = iota
	// FacetsAll: action_type and direction.
	FacetsAll
	// FacetsAction: action_type only.
	FacetsAction
	// FacetsNone: no facet; groups never split.
	FacetsNone
)

// Config holds the thresholds (cosine similarities) and the index settings.
type Config struct {
	MergeThreshold     float64 // centroids of two groups of one product area at least this close may merge (≤ 0: no merges)
	CrossAreaThreshold float64 // the same across product areas; 0 disables cross-area merges
	MemberThreshold    float64 // every member signature group must stay this close to the merged centroid
	// WordingThreshold is the lower centroid cosine at which two signature groups of one product
	// area merge when their wordings agree (the same words once folded, or one's words among
	// the other's: see wording.go); 0 disables it. Such a merge also needs every signature of
	// the one cluster to agree in wording, or reach MergeThreshold, with every signature of the
	// other, and every member to stay this close to the merged centroid.
	WordingThreshold float64
	// FailureThreshold is the lower centroid cosine at which two signature groups of problems
	// (bug reports, complaints), each of fewer than MinSize conversations, merge across areas
	// when they share a failure and differ in the object (quota_rate_limited and
	// traffic_rate_limited; see failure.go); 0 disables it. Such a merge also needs every
	// signature of the two clusters to be such a small group sharing a failure with, or reaching
	// MergeThreshold against, every signature of the other.
	FailureThreshold float64
	// FailureJoinThreshold is the centroid cosine from which a cluster of such small groups joins
	// an established cluster (a signature group of at least MinSize conversations, or a cluster
	// that reached MinSize on centroids or wordings) whose signatures all share its failure:
	// higher, since a story's look-alike orphans share its failure too.
	FailureJoinThreshold float64
	// LookalikeThreshold is the centroid cosine two established clusters whose main signatures
	// name one failure of objects with no word in common (slot_duplicate and charge_duplicate,
	// refund_missing and parcel_missing) must reach to merge on centroids, above MergeThreshold:
	// a failure shared by everything the two clusters say lifts their cosine without making them
	// one issue. Below MergeThreshold it changes nothing. When the customers of each name the
	// other's object in their own words (Item.Excerpt: "bank connection expired" in
	// connection_disconnects, "reconnect my bank" in bank_disconnects), the two are one issue
	// named two ways and merge from WordingThreshold (lookalike.go).
	LookalikeThreshold float64
	MinSize            int    // distinct conversations a story needs; a facet split keeps parts this big (0: 3)
	Facets             Facets // which facets must agree (merge guard and split)

	// ExactLimit is the largest bucket whose pairs are all compared; bigger buckets use the LSH
	// index (0: 512; negative: always the index).
	ExactLimit int
}

// DefaultConfig biases against wrong merges: splits are cheaper than a hidden root cause. The
// thresholds were measured with `make eval` on the sample and the devtool and store sets (never
// the mobile holdout) with the built-in model's hashed n-gram embeddings: one centroid threshold,
// 0.55, within and across areas (the built-in model names a theme's area after its most salient
// object word, so one issue worded two ways often lands in two areas), keeps pairwise precision
// ≥ 0.93 on each, where 0.50 merged a dashboard's double counts into duplicate webhooks
// (precision 0.81). Other embedding models spread cosines differently; measure with
// `starter eval` before changing them. WordingThreshold was measured
// with the paraphrasing test model (internal/paraphrase, TestParaphrasedSignaturesMerge): on the
// sample, with the built-in embeddings, its groups of one issue worded differently sit at
// centroid cosines 0.5–0.9, unrelated groups of one area at up to 0.52, and no two of those
// agree in wording. On the devtool and store sets one issue's signatures that agree in wording
// sit lower (refund_missing and refund_not_received at 0.32: the customers' words differ more
// than the extractor's), so WordingThreshold is 0.30: wording agreement is the stronger evidence,
// the centroid floor only keeps two unrelated complaints worded alike apart. Failure merges
// (FailureThreshold 0.25, FailureJoinThreshold 0.45) come from the orphans of the sample,
// devtool and store sets that share a failure: one issue's sit at centroid cosines 0.11–0.51,
// mostly above 0.25, and different issues' mostly below it (the sample's export_file_wrong_value
// and bulk_upload_wrong_value sat at 0.35 while the extractor read "the numbers don't add up
// because the file has no Video views" as a wrong value); they lift the average F1 of
// `make eval` from 0.70 to 0.80. Failure edges come after the others (edgeKind.tier), so a small
// group first joins the group of its own object. LookalikeThreshold (0.7) comes from the
// signature groups of the six sets that name one failure of different objects: look-alikes sat
// at centroid cosines up to 0.65 (booking's double bookings, double charges and calendar
// duplicates merged into one story: booking's F1 0.57–0.59 before, 0.69–0.71 after), groups of
// one issue at 0.37–0.83, so those of one issue below 0.7 split unless their customers name each
// other's object (the sample's iphone_crash and postwise_crash at 0.64: sample 0.89 before,
// 0.87–0.88 after). Wrong merges cost more than splits.
func DefaultConfig() Config {
	return Config{MergeThreshold: 0.55, CrossAreaThreshold: 0.55, MemberThreshold: 0.45, WordingThreshold: 0.30,
		FailureThreshold: 0.25, FailureJoinThreshold: 0.45, LookalikeThreshold: 0.7, MinSize: 3}
}

// Group is a set of items one fix would plausibly resolve.
type Group struct {
	Key         string   // story or orphan key: the dominant signature, suffixed for a second split part
	Signature   string   // the dominant signature: the most common among the members
	Signatures  []string // every member signature, most common first (ties by name)
	ProductArea string   // the most common product area
	ActionType  string   // the most common action type
	Direction   string   // the most common direction
	Members     []int    // indices into the items, ascending
}

const (
	defaultMinSize = 3
	partKeySep     = ":"
	facetKeySep    = "."
)

// sigGroup is the items of one signature.
type sigGroup struct {
	sig     string
	area    int32 // interned product area
	facet   facet
	members []int32
	words   []int32 // interned folded wording, ascending
	// failures are the folded failures the signature may name (failure.go); problem says its
	// action type names a failure at all.
	failures []string
	problem  bool
	weight   int   // distinct conversations
	vectors  int   // members with a usable vector
	next     int32 // circular list of the signature groups of a cluster
}

// clusterState is kept at the root of each cluster.
type clusterState struct {
	parent int32
	size   int   // distinct conversations
	area   int32 // the product area of the cluster's biggest part
	facet  facet
	// established: a signature group of MinSize conversations, or a cluster that reached MinSize
	// through merges other than failure merges: a story of its own issue, which small groups join
	// on a shared failure only from FailureJoinThreshold, and two of which never merge that way.
	established bool
}

// facet is an interned action type and direction (0: a direction that agrees with any).
type facet struct{ action, dir int32 }

// compatible: the same action type, and directions that do not differ.
func (f facet) compatible(o facet) bool {
	return f.action == o.action && (f.dir == 0 || o.dir == 0 || f.dir == o.dir)
}

// facets is an item's action type and direction as the mode compares them; an empty direction
// agrees with any.
func (g *grouper) facets(it *Item) (action, direction string) {
	switch g.cfg.Facets {
	case FacetsAll:
		return it.ActionType, it.Direction
	case FacetsAction:
		return it.ActionType, ""
	case FacetsNone:
		return "", ""
	}
	switch it.Direction {
	case "excess", "deficit", "creation", "deletion":
		return it.ActionType, it.Direction
	}
	return it.ActionType, ""
}

// grouper holds one Run's working state.
type grouper struct {
	items []Item
	cfg   Config
	dim   int
	sgs   []sigGroup
	cent  []float32 // unit centroid of each signature group, dim values each
	sum   []float64 // sum of unit member vectors of each cluster root, dim values each
	cl    []clusterState
	named map[int32]map[string]int // per signature group checked for mentions: members naming each folded word
	first []bool                   // item is the first with its id (distinct-conversation counting)
	names map[string]int32
}

// intern numbers strings from 1 in order of first use, so comparisons are integer ones.
func (g *grouper) intern(s string) int32 {
	id, ok := g.names[s]
	if !ok {
		id = int32(len(g.names) + 1)
		g.names[s] = id
	}
	return id
}

// Run groups items.
func Run(items []Item, cfg Config) []Group {
	g := newGrouper(items, cfg)
	g.merge(g.edges())
	return g.output()
}

// newGrouper applies the config's defaults and builds the signature groups.
func newGrouper(items []Item, cfg Config) *grouper {
	if cfg.MinSize <= 0 {
		cfg.MinSize = defaultMinSize
	}
	if cfg.ExactLimit == 0 {
		cfg.ExactLimit = defaultExact
	}
	g := &grouper{items: items, cfg: cfg, names: map[string]int32{}}
	g.signatureGroups()
	return g
}
