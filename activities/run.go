package activities

import (
	"context"
	"time"

	"feedbackpipe/pipeline"
	"feedbackpipe/store"
)

// StartRunInput creates a run's row and selects its conversations.
type StartRunInput struct {
	RunID       string
	Input       pipeline.RunInput
	WindowSince time.Time
	WindowUntil time.Time
	StartedAt   time.Time
}

// StartRun records the run in pipeline_runs and numbers its conversations; it returns how many.
func (a *Activities) StartRun(ctx context.Context, in StartRunInput) (int, error) {
	prog := startProgress(ctx, "selecting", 0, a.Config.StallTimeout)
	defer prog.stop()
	err := a.Store.CreateRun(ctx, store.Run{
		ID: in.RunID, Status: pipeline.StatusRunning, Phase: pipeline.PhaseExtraction,
		DryRun: in.Input.DryRun, CreateStories: in.Input.CreateStories,
		Concurrency: in.Input.EffectiveConcurrency(), MaxConversations: in.Input.MaxConversations,
		WindowSince: in.WindowSince, WindowUntil: in.WindowUntil, StartedAt: in.StartedAt,
	})
	if err != nil {
		return 0, err
	}
	return a.Store.SelectRunConversations(ctx, in.RunID, in.WindowSince, in.WindowUntil, in.Input.MaxConversations)
}

// SetStatusInput is a run's new status and phase.
type SetStatusInput struct {
	RunID  string
	Status string
	Phase  string
}

// SetStatus mirrors the run's status and phase into pipeline_runs.
func (a *Activities) SetStatus(ctx context.Context, in SetStatusInput) error {
	return a.Store.SetRunStatus(ctx, in.RunID, in.Status, in.Phase)
}

// FinishRunInput is a run's final status.
type FinishRunInput struct {
	RunID   string
	Status  string
	Phase   string
	Failure string
	EndedAt time.Time
}

// FinishResult is the run's final account, computed from what is stored.
type FinishResult struct {
	Counters pipeline.Counters
	Errors   []pipeline.ItemError
	Warnings []string
}

// FinishRun stores the final status with counters computed from the stored rows, and drops the
// run's signature cache and concurrency limit from this worker.
func (a *Activities) FinishRun(ctx context.Context, in FinishRunInput) (FinishResult, error) {
	counters, err := a.Store.FinishRun(ctx, in.RunID, in.Status, in.Phase, in.Failure, in.EndedAt)
	if err != nil {
		return FinishResult{}, err
	}
	errs, warns, err := a.Store.RunErrors(ctx, in.RunID, pipeline.MaxReportedErrors)
	if err != nil {
		return FinishResult{}, err
	}
	a.dropRun(in.RunID)
	return FinishResult{Counters: counters, Errors: errs, Warnings: warns}, nil
}
