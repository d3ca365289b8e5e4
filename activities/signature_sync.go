package activities

import (
	"context"
	"time"

	"feedbackpipe/signature"
)

// sightingsEvery is how often a worker's run cache learns the themes other workers stored.
const sightingsEvery = 100 * time.Millisecond

// syncSightings lets the run's cache learn, at most every sightingsEvery, which conversations of
// the run other workers stored under which signatures, so a signature is established (and offered
// to prompts) as soon as the run as a whole saw it twice, whichever workers saw it. A failure only
// delays that: it is logged and the next sync retries.
func (a *Activities) syncSightings(ctx context.Context, runID string, cache *signature.Cache) {
	cursor, due := cache.SyncDue(time.Now(), sightingsEvery)
	if !due {
		return
	}
	sightings, next, err := a.Store.SignatureSightings(ctx, runID, cursor)
	if err != nil {
		a.Logger.Warn("learning other workers' signatures failed", "run_id", runID, "error", err)
		next, sightings = cursor, nil
	}
	cache.Synced(time.Now(), next, sightings)
}
