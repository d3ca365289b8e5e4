package integration

import (
	"context"
	"fmt"
	"time"

	"feedbackpipe/grouping"
	"feedbackpipe/pipeline"
	"feedbackpipe/runindex"
)

// maxCallsPerConversation bounds the LLM calls a run makes per conversation beyond the ones
// faults force: every injected fault is answered by one more call (the retry of a 429, a 5xx or
// a timeout, the corrective call after malformed or schema-violating output), so with a fault
// rate f a run needs 1/(1-f) calls per conversation on average from the faults alone (1.25 at
// 20%). What the bound catches is work done again: conversations extracted twice after a kill or
// a restart, calls lost and repeated.
const maxCallsPerConversation = 1.25

// netCallsPerConversation is the run's LLM calls (retries, corrective calls and embedding
// requests included) less the faults the model injected, per conversation selected.
func netCallsPerConversation(c pipeline.Counters, faults int64) float64 {
	if c.ConversationsSelected == 0 {
		return 0
	}
	return float64(int64(c.LLMCalls)-faults) / float64(c.ConversationsSelected)
}

// checkChaosRun checks what every chaos scenario must end with, beyond assertAccountedOnce (one
// outcome and at most one theme per conversation, outcomes adding up, minted signatures): the
// counters the run reported are the ones Postgres holds, every grouped theme is in exactly one
// group whose counts agree with its members, the run index holds no live entry for an ended run,
// and the LLM calls per conversation, less the injected faults, stay within the bound. It returns the problems found.
func (c *chaosFleet) checkChaosRun(runID string, s pipeline.Status, faults int64) []string {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cnt := s.Counters

	stored, err := c.st.RunCounters(ctx, runID)
	if err != nil {
		bad("read the run's counters: %v", err)
	} else {
		stored.CostUSD, cnt.CostUSD = 0, 0 // float sums differ in the last digits
		stored.FetchCounters, cnt.FetchCounters = pipeline.FetchCounters{}, pipeline.FetchCounters{}
		if stored != cnt {
			bad("the run reported %+v, Postgres holds %+v", cnt, stored)
		}
	}
	var rowStatus string
	if err := c.st.Pool().QueryRow(ctx, `SELECT status FROM pipeline_runs WHERE id = $1`, runID).Scan(&rowStatus); err != nil {
		bad("read pipeline_runs: %v", err)
	} else if rowStatus != pipeline.StatusCompleted {
		bad("pipeline_runs says %s", rowStatus)
	}

	// Groups: the schema holds a conversation in at most one group; every theme of the run is in
	// one (a fresh database: nothing was grouped before), and counts agree with members.
	queries := []struct{ what, sql string }{
		{"themes of the run in no group", `SELECT count(*) FROM themes t WHERE t.run_id = $1
			AND NOT EXISTS (SELECT 1 FROM group_members g WHERE g.conversation_id = t.conversation_id)`},
		{"members the run added that have no theme of the run", `SELECT count(*) FROM group_members g WHERE g.run_id = $1
			AND NOT EXISTS (SELECT 1 FROM themes t WHERE t.run_id = $1 AND t.conversation_id = g.conversation_id)`},
		{"stories whose conversation_count differs from their members", `SELECT count(*) FROM stories s
			WHERE s.created_by_run = $1 AND s.conversation_count <> (SELECT count(*) FROM group_members g WHERE g.story_id = s.id)`},
		{"open stories with fewer members than a story needs", fmt.Sprintf(`SELECT count(*) FROM stories s
			WHERE s.created_by_run = $1 AND s.closed_at IS NULL AND (SELECT count(*) FROM group_members g WHERE g.story_id = s.id) < %d`, grouping.DefaultConfig().MinSize)},
		{"open orphans with no member or enough for a story", fmt.Sprintf(`SELECT count(*) FROM orphans o
			WHERE o.created_by_run = $1 AND o.closed_at IS NULL AND o.graduated_at IS NULL
			AND (SELECT count(*) FROM group_members g WHERE g.orphan_id = o.id) NOT BETWEEN 1 AND %d`, grouping.DefaultConfig().MinSize-1)},
	}
	if cnt.EmbeddingsFailed > 0 || cnt.GroupsFailed > 0 {
		queries = queries[1:] // a theme with no vector, or of a failed group, is in no group
		bad("%d embeddings and %d groups failed", cnt.EmbeddingsFailed, cnt.GroupsFailed)
	}
	for _, q := range queries {
		var n int
		if err := c.st.Pool().QueryRow(ctx, q.sql, runID).Scan(&n); err != nil {
			bad("%s: %v", q.what, err)
		} else if n != 0 {
			bad("%d %s", n, q.what)
		}
	}
	for _, g := range []struct {
		what    string
		sql     string
		counter int
	}{
		{"stories created", `SELECT count(*) FROM stories WHERE created_by_run = $1`, cnt.StoriesCreated},
		{"orphans created", `SELECT count(*) FROM orphans WHERE created_by_run = $1`, cnt.OrphansCreated},
	} {
		var n int
		if err := c.st.Pool().QueryRow(ctx, g.sql, runID).Scan(&n); err != nil {
			bad("%s: %v", g.what, err)
		} else if n != g.counter {
			bad("%s: %d in Postgres, the counter says %d", g.what, n, g.counter)
		}
	}

	problems = append(problems, c.checkIndex(runID)...)

	if per := netCallsPerConversation(s.Counters, faults); per > maxCallsPerConversation {
		bad("%.3f LLM calls per conversation beyond the %d faults (%d calls for %d conversations), at most %.2f",
			per, faults, cnt.LLMCalls, cnt.ConversationsSelected, maxCallsPerConversation)
	}
	return problems
}

// checkIndex waits (a run reports its end to the index by signal, so a moment later) until the
// index shows the run ended, then checks the index against pipeline_runs: the run's entry is
// completed, and no entry is live whose run has ended.
func (c *chaosFleet) checkIndex(runID string) []string {
	deadline := time.Now().Add(time.Minute)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		state, err := runindex.Runs(ctx, c.tc, c.queue)
		cancel()
		var entry *pipeline.IndexEntry
		for i := range state.Entries {
			if state.Entries[i].RunID == runID {
				entry = &state.Entries[i]
			}
		}
		if err == nil && entry != nil && !entry.Live() {
			var problems []string
			if entry.Status != pipeline.StatusCompleted {
				problems = append(problems, fmt.Sprintf("the index says the run ended %s", entry.Status))
			}
			for _, e := range state.Entries {
				var status string
				err := c.st.Pool().QueryRow(context.Background(), `SELECT status FROM pipeline_runs WHERE id = $1`, e.RunID).Scan(&status)
				if err != nil {
					problems = append(problems, fmt.Sprintf("index entry %s: %v", e.RunID, err))
				} else if e.Live() && pipeline.IsTerminal(status) {
					problems = append(problems, fmt.Sprintf("index entry %s is live (%s) but its run ended %s", e.RunID, e.Status, status))
				}
			}
			return problems
		}
		if time.Now().After(deadline) {
			return []string{fmt.Sprintf("the run index does not show run %s ended a minute after it did (entry %+v, error %v)", runID, entry, err)}
		}
		time.Sleep(250 * time.Millisecond)
	}
}
