// Package pipeline is the vocabulary a pipeline run shares between the workflow, its activities
// and the CLI: the run's input, its status and phases, and its counters. It holds IDs and numbers
// only, never conversation text, because all of it travels through Temporal history.
package pipeline

import "time"

// Workflow, signal, query and task-queue names: the outside contract operators' scripts rely on.
const (
	WorkflowName     = "PipelineRun"
	SignalStop       = "stop"
	QueryStatus      = "status"
	DefaultTaskQueue = "feedback-pipeline"
)

// Run statuses.
const (
	StatusRunning   = "running"
	StatusStopping  = "stopping"
	StatusStopped   = "stopped"
	StatusCompleted = "completed"
	StatusFailed    = "failed"
)

// Run phases.
const (
	PhaseFetch      = "fetch" // only for runs whose Source is SourceIntercom: before selection
	PhaseExtraction = "extraction"
	PhaseEmbedding  = "embedding"
	PhaseStories    = "stories"
	PhaseCompleted  = "completed"
)

// Search attributes the workflow keeps current for the Temporal UI.
const (
	SearchAttrStatus = "PipelineStatus"
	SearchAttrPhase  = "PipelinePhase"
)

// WatchInterval is how often `starter watch` asks a run for its status; the benchmark follows a
// run at the same pace, so its figures include what a person following the run costs.
const WatchInterval = 500 * time.Millisecond

// Defaults of a run's knobs.
const (
	DefaultConcurrency = 16
	DefaultDays        = 7
)

// IsTerminal reports whether a status is final.
func IsTerminal(status string) bool {
	return status == StatusStopped || status == StatusCompleted || status == StatusFailed
}

// RunInput is what a run is started with. The starter resolves --days into an absolute window
// (Since, Until) so the run reads the same conversations however late it is scheduled; a run
// started with only Days (e.g. from the plain temporal CLI) resolves it at its own start.
type RunInput struct {
	Days             int        `json:"days,omitempty"`
	Since            *time.Time `json:"since,omitempty"`
	Until            *time.Time `json:"until,omitempty"`
	MaxConversations int        `json:"max_conversations,omitempty"`
	DryRun           bool       `json:"dry_run,omitempty"`
	Concurrency      int        `json:"concurrency,omitempty"`
	CreateStories    bool       `json:"create_stories"`
	// Source is where the run's conversations come from: empty for those already imported,
	// SourceIntercom to fetch the window from Intercom's API first (the fetch phase).
	Source string `json:"source,omitempty"`
	// Schedule names the Temporal Schedule that started the run, if any.
	Schedule string `json:"schedule,omitempty"`
	// Resume carries a run's progress across continue-as-new; nil when a run starts.
	Resume *Progress `json:"resume,omitempty"`
}

// Progress is what a run carries into its next history after continue-as-new.
type Progress struct {
	Status   Status `json:"status"`
	NextSeq  int    `json:"next_seq"`
	Stopping bool   `json:"stopping"`
}

// Window returns the run's [since, until) window, resolving Days against now when needed.
func (in RunInput) Window(now time.Time) (since, until time.Time) {
	until = now
	if in.Until != nil {
		until = *in.Until
	}
	days := in.Days
	if days <= 0 {
		days = DefaultDays
	}
	since = until.Add(-time.Duration(days) * 24 * time.Hour)
	if in.Since != nil {
		since = *in.Since
	}
	return since.UTC(), until.UTC()
}

// EffectiveConcurrency returns the run's concurrency with its default applied.
func (in RunInput) EffectiveConcurrency() int {
	if in.Concurrency <= 0 {
		return DefaultConcurrency
	}
	return in.Concurrency
}

// Counters are every number a run reports. They are stored in pipeline_runs and none is dropped.
type Counters struct {
	ConversationsSelected int     `json:"conversations_selected"`
	ThemesExtracted       int     `json:"themes_extracted"`
	ThemesNew             int     `json:"themes_new"`
	ThemesFiltered        int     `json:"themes_filtered"`
	ExtractionFailed      int     `json:"extraction_failed"`
	NotActionable         int     `json:"not_actionable"`
	EmbeddingsGenerated   int     `json:"embeddings_generated"`
	EmbeddingsFailed      int     `json:"embeddings_failed"`
	StoriesCreated        int     `json:"stories_created"`
	StoriesUpdated        int     `json:"stories_updated"`
	OrphansCreated        int     `json:"orphans_created"`
	OrphansUpdated        int     `json:"orphans_updated"`
	OrphansGraduated      int     `json:"orphans_graduated"`
	GroupsFailed          int     `json:"groups_failed"`
	LLMCalls              int     `json:"llm_calls"`
	TokensIn              int     `json:"tokens_in"`
	TokensOut             int     `json:"tokens_out"`
	CostUSD               float64 `json:"cost_usd"`
	FetchCounters
}

// Add adds every counter of o to c.
func (c *Counters) Add(o Counters) {
	c.ThemesExtracted += o.ThemesExtracted
	c.ThemesNew += o.ThemesNew
	c.ThemesFiltered += o.ThemesFiltered
	c.ExtractionFailed += o.ExtractionFailed
	c.NotActionable += o.NotActionable
	c.EmbeddingsGenerated += o.EmbeddingsGenerated
	c.EmbeddingsFailed += o.EmbeddingsFailed
	c.StoriesCreated += o.StoriesCreated
	c.StoriesUpdated += o.StoriesUpdated
	c.OrphansCreated += o.OrphansCreated
	c.OrphansUpdated += o.OrphansUpdated
	c.OrphansGraduated += o.OrphansGraduated
	c.GroupsFailed += o.GroupsFailed
	c.LLMCalls += o.LLMCalls
	c.TokensIn += o.TokensIn
	c.TokensOut += o.TokensOut
	c.CostUSD += o.CostUSD
	c.FetchCounters.Add(o.FetchCounters)
}

// ItemError is a failed item: which conversation (or group) and why.
type ItemError struct {
	Phase string `json:"phase"`
	ID    string `json:"id"`
	Error string `json:"error"`
}

// MaxReportedErrors bounds the errors and warnings a status carries; all of them stay in Postgres.
const MaxReportedErrors = 20

// Status is the answer of the `status` query and of `starter status --json`.
type Status struct {
	RunID         string    `json:"run_id"`
	Status        string    `json:"status"`
	Phase         string    `json:"phase"`
	DryRun        bool      `json:"dry_run"`
	CreateStories bool      `json:"create_stories"`
	WindowSince   time.Time `json:"window_since"`
	WindowUntil   time.Time `json:"window_until"`
	Done          int       `json:"done"`
	Total         int       `json:"total"`
	Counters
	Errors          []ItemError `json:"errors"`
	Warnings        []string    `json:"warnings"`
	StartedAt       time.Time   `json:"started_at"`
	EndedAt         *time.Time  `json:"ended_at,omitempty"`
	DurationSeconds float64     `json:"duration_seconds"`
	FailureMessage  string      `json:"failure_message,omitempty"`
}
