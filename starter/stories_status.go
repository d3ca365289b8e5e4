package main

import (
	"context"
	"fmt"

	"feedbackpipe/store"
)

// withStatus keeps the stories whose triage status (regressed for a done story that regressed)
// is status, as the web backlog's status filter does.
func (c *cli) withStatus(ctx context.Context, st *store.Store, stories []store.StoryView, status string) ([]store.StoryView, error) {
	if !store.ValidTriage(status) && status != store.TriageRegressed {
		return nil, fmt.Errorf("--status must be one of new, accepted, rejected, done, regressed")
	}
	triages, err := st.StoryTriages(ctx)
	if err != nil {
		return nil, err
	}
	kept := stories[:0]
	for _, s := range stories {
		t, ok := triages[s.Key]
		if !ok {
			t.Status = store.TriageNew
		}
		if t.Effective() == status {
			kept = append(kept, s)
		}
	}
	return kept, nil
}
