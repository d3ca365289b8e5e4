// Package activities holds everything a pipeline run does to the world: Postgres, the LLM, and
// the per-run signature caches and concurrency limits of this worker process.
package activities

import (
	"log/slog"
	"sync"

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
	Grouping         grouping.Config // thresholds, and MinSize: the distinct conversations a story needs
}

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
		Grouping:         grouping.DefaultConfig(),
	}
}

// Activities are registered once per worker; their fields are the worker's shared dependencies.
type Activities struct {
	Store      *store.Store
	LLM        *llm.Client
	Signatures *signature.Registry
	Config     Config
	Logger     *slog.Logger

	limitsMu sync.Mutex
	limits   map[string]chan struct{}
}

// New wires the activities with their dependencies.
func New(st *store.Store, client *llm.Client, cfg Config, logger *slog.Logger) *Activities {
	a := &Activities{Store: st, LLM: client, Config: cfg, Logger: logger, limits: map[string]chan struct{}{}}
	a.Signatures = signature.NewRegistry(st.LoadSignatures, 8, 50_000)
	return a
}

// runLimit returns the run's semaphore: at most concurrency LLM calls of that run in flight in
// this worker, however many batch activities of the run it executes at once.
func (a *Activities) runLimit(runID string, concurrency int) chan struct{} {
	a.limitsMu.Lock()
	defer a.limitsMu.Unlock()
	sem, ok := a.limits[runID]
	if !ok {
		sem = make(chan struct{}, max(concurrency, 1))
		a.limits[runID] = sem
	}
	return sem
}

func (a *Activities) dropRun(runID string) {
	a.limitsMu.Lock()
	delete(a.limits, runID)
	a.limitsMu.Unlock()
	a.Signatures.Drop(runID)
}
