package pipeline

import (
	"fmt"
	"time"
)

// The run index: a long-lived workflow holding the bounded index of run workflow IDs. It admits
// runs atomically (update-with-start) and enforces how many may be active and how many are kept.
const (
	IndexWorkflowName  = "RunIndex"
	UpdateAdmit        = "admit"
	QueryRuns          = "runs"
	SignalRunReport    = "run-report"
	DefaultMaxActive   = 1
	DefaultRetention   = 100
	indexWorkflowIDFmt = "pipeline-run-index-%s"
)

// IndexWorkflowID is the run index of a task queue: runs on different queues (e.g. the demo's)
// have separate indexes.
func IndexWorkflowID(taskQueue string) string { return fmt.Sprintf(indexWorkflowIDFmt, taskQueue) }

// IndexLimits bound the index.
type IndexLimits struct {
	MaxActive int `json:"max_active"` // runs running or stopping at once
	Retention int `json:"retention"`  // entries kept; terminal ones are evicted first, oldest first
}

// WithDefaults fills unset limits.
func (l IndexLimits) WithDefaults() IndexLimits {
	if l.MaxActive <= 0 {
		l.MaxActive = DefaultMaxActive
	}
	if l.Retention <= 0 {
		l.Retention = DefaultRetention
	}
	l.Retention = max(l.Retention, l.MaxActive)
	return l
}

// IndexEntry is one run in the index.
type IndexEntry struct {
	RunID     string     `json:"run_id"`
	Status    string     `json:"status"`
	Phase     string     `json:"phase"`
	DryRun    bool       `json:"dry_run"`
	StartedAt time.Time  `json:"started_at"`
	EndedAt   *time.Time `json:"ended_at,omitempty"`
}

// Live reports whether the entry's run is running or stopping.
func (e IndexEntry) Live() bool { return !IsTerminal(e.Status) }

// AdmitRequest asks the index to start a run.
type AdmitRequest struct {
	RunID     string      `json:"run_id"`
	TaskQueue string      `json:"task_queue"`
	Input     RunInput    `json:"input"`
	Limits    IndexLimits `json:"limits"`
	Summary   string      `json:"summary"`
	Details   string      `json:"details"`
}

// RunReport is what a run tells the index about itself: each transition and its end.
type RunReport struct {
	RunID   string     `json:"run_id"`
	Status  string     `json:"status"`
	Phase   string     `json:"phase"`
	EndedAt *time.Time `json:"ended_at,omitempty"`
}

// IndexState is the index's whole state, carried across continue-as-new.
type IndexState struct {
	Entries []IndexEntry `json:"entries"`
	Limits  IndexLimits  `json:"limits"`
}
