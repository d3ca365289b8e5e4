// Package activities holds everything a pipeline run does to the world: Postgres, the LLM, and
// the per-run signature caches and concurrency limits of this worker process.
package activities

import (
	"log/slog"
	"time"

	"feedbackpipe/extraction"
	"feedbackpipe/grouping"
	"feedbackpipe/llm"
	"feedbackpipe/signature"
	"feedbackpipe/store"
)

// Config tunes the activities.
type Config struct {
	Actionable       []string        // conversation types that become themes
	QualityThreshold float64         // themes scoring below are filtered
	KnownSignatures  int             // signatures offered in each extraction prompt
	EmbedBatchInputs int             // inputs per embeddings request (≤ 2048)
	EmbedBatchTokens int             // estimated tokens per embeddings request (≤ 300k)
	EmbedInFlight    int             // embeddings requests in flight per run
	DigestChars      int             // length bound of the text embedded per conversation
	EmbedAhead       bool            // extraction batches embed their conversations while their calls run (embed_ahead.go)
	Grouping         grouping.Config // thresholds, and MinSize: the distinct conversations a story needs
	StallTimeout     time.Duration   // a long activity that advances no step for this long stops heartbeating
	GroupWriters     int             // group transactions the stories phase runs at once (DefaultGroupWriters)
	// AheadMaxBacklog bounds the backlog a review ahead groups with the run's themes (the
	// workflow bounds the run): the list groups it while extraction batches still hold their
	// memory. Over a bigger backlog the review ahead lists nothing, and every review is made in
	// the stories phase.
	AheadMaxBacklog int
}

// DefaultGroupWriters is how many group transactions the stories phase runs at once by default:
// group writes are Postgres work (foreign-key checks, index updates), and on a two-core machine
// two writers write 40 groups of 125 conversations in 0.31–0.35 s, four in 0.36–0.38 s and eight
// in 0.46–0.47 s, as they contend in Postgres (store's BenchmarkWriteGroups). A larger Postgres
// takes more (STORY_WRITERS).
const DefaultGroupWriters = 2

// DefaultConfig returns the documented defaults.
func DefaultConfig() Config {
	return Config{
		Actionable:       extraction.DefaultActionable,
		QualityThreshold: extraction.DefaultQualityThreshold,
		KnownSignatures:  60,
		EmbedBatchInputs: 2048,
		EmbedBatchTokens: 300_000,
		EmbedInFlight:    3,
		DigestChars:      2000,
		EmbedAhead:       true,
		Grouping:         grouping.DefaultConfig(),
		StallTimeout:     DefaultStallTimeout,
		GroupWriters:     DefaultGroupWriters,
		AheadMaxBacklog:  20000,
	}
}

// Activities are registered once per worker; their fields are the worker's shared dependencies.
type Activities struct {
	Store      *store.Store
	LLM        *llm.Client
	Signatures *signature.Registry
	Config     Config
	Logger     *slog.Logger
	// Getenv reads the worker's environment (the Intercom client's configuration); os.Getenv when nil.
	Getenv func(string) string
}

// New wires the activities with their dependencies.
func New(st *store.Store, client *llm.Client, cfg Config, logger *slog.Logger) *Activities {
	a := &Activities{Store: st, LLM: client, Config: cfg, Logger: logger}
	a.Signatures = signature.NewRegistry(st.LoadSignatures, 8, 50_000)
	return a
}

func (a *Activities) dropRun(runID string) {
	a.Signatures.Drop(runID)
}
