package activities

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"go.temporal.io/sdk/temporal"

	"feedbackpipe/conversation"
	"feedbackpipe/intercom"
	"feedbackpipe/pipeline"
	"feedbackpipe/store"
)

// ErrTypeIntercomConfig is the application error type of a fetch that cannot work as configured
// (no token, a token Intercom refuses): retrying cannot help, the run fails at once.
const ErrTypeIntercomConfig = "IntercomConfiguration"

// FetchInput is a run's fetch phase: the run (whose row it creates) and its window.
type FetchInput struct {
	RunID       string
	Input       pipeline.RunInput
	WindowSince time.Time
	WindowUntil time.Time
	StartedAt   time.Time
}

// FetchResult is what the fetch phase stored, counted from the run's row.
type FetchResult struct {
	Counters pipeline.FetchCounters
}

// FetchIntercom fetches the run's window from Intercom, page by page, storing each page with the
// cursor of the next (see fetchPages), and returns the run's fetch counters. A retried or resumed
// activity starts at the first page not stored.
func (a *Activities) FetchIntercom(ctx context.Context, in FetchInput) (FetchResult, error) {
	getenv := a.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	cfg, err := intercom.FromEnv(getenv)
	if err != nil {
		return FetchResult{}, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeIntercomConfig, nil)
	}
	p := startProgress(ctx, "fetching", 0, a.Config.StallTimeout)
	defer p.stop()
	err = defaultDBRetry().do(ctx, a.Logger, "create the run", func(ctx context.Context) error {
		return a.Store.CreateRun(ctx, store.Run{
			ID: in.RunID, Status: pipeline.StatusRunning, Phase: pipeline.PhaseFetch,
			DryRun: in.Input.DryRun, CreateStories: in.Input.CreateStories,
			Concurrency: in.Input.EffectiveConcurrency(), MaxConversations: in.Input.MaxConversations,
			WindowSince: in.WindowSince, WindowUntil: in.WindowUntil, StartedAt: in.StartedAt,
		})
	})
	if err != nil {
		return FetchResult{}, err
	}
	client := intercom.New(cfg, a.Logger.With("component", "intercom", "run_id", in.RunID))
	if err := a.fetchPages(ctx, client, in.RunID, in.WindowSince, in.WindowUntil, p.Step); err != nil {
		if intercom.IsAuth(err) {
			return FetchResult{}, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeIntercomConfig, nil)
		}
		return FetchResult{}, err
	}
	run, err := retried(ctx, defaultDBRetry(), a.Logger, "count the fetch", func(ctx context.Context) (pipeline.Counters, error) {
		return a.Store.RunCounters(ctx, in.RunID)
	})
	if err != nil {
		return FetchResult{}, err
	}
	return FetchResult{Counters: run.FetchCounters}, nil
}

// fetchPages resumes the run's fetch at the cursor Postgres holds and stores page after page: the
// page's conversations (each read with its parts and kept or skipped by intercom.Classify), its
// counters and the next cursor, in one transaction. A crash or a stop loses at most the page in
// flight, which the next attempt fetches again; nothing is stored or counted twice.
func (a *Activities) fetchPages(ctx context.Context, client *intercom.Client, runID string, since, until time.Time, step func(int)) error {
	st, err := retried(ctx, defaultDBRetry(), a.Logger, "read the fetch's cursor", func(ctx context.Context) (store.FetchState, error) {
		return a.Store.GetFetchState(ctx, runID)
	})
	if err != nil {
		return err
	}
	cursor := st.NextCursor
	for !st.Done {
		page, err := client.Search(ctx, since, until, cursor)
		if err != nil {
			return fmt.Errorf("fetch page %d: %w", st.Pages+1, err)
		}
		fp := store.FetchedPage{RunID: runID, Cursor: cursor, NextCursor: page.Next}
		for _, id := range page.IDs {
			c, reason, err := fetchOne(ctx, client, id)
			if err != nil {
				return fmt.Errorf("fetch conversation %s: %w", id, err)
			}
			fp.Counters.ConversationsFetched++
			if reason != "" {
				fp.Counters.ConversationsSkipped++
				fp.Counters.SkippedBy.Count(reason)
			} else {
				fp.Counters.ConversationsStored++
				fp.Conversations = append(fp.Conversations, *c)
			}
			step(1)
		}
		dctx, cancel := dbContext(ctx)
		_, err = a.Store.StoreFetchedPage(dctx, fp)
		cancel()
		if err != nil {
			return err
		}
		st.Pages++
		cursor, st.Done = page.Next, page.Next == ""
	}
	return nil
}

// fetchOne reads one conversation with its parts and classifies it; one deleted since the
// search (404) is skipped as invalid.
func fetchOne(ctx context.Context, client *intercom.Client, id string) (*conversation.Conversation, string, error) {
	raw, err := client.Conversation(ctx, id)
	var se *intercom.StatusError
	if errors.As(err, &se) && se.Status == 404 {
		return nil, pipeline.SkipInvalid, nil
	}
	if err != nil {
		return nil, "", err
	}
	c, reason := intercom.Classify(raw)
	if c != nil && c.ID != id {
		return nil, pipeline.SkipInvalid, nil
	}
	return c, reason, nil
}
