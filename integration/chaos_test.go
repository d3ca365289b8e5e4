package integration

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"feedbackpipe/pipeline"
)

// A chaos scenario: one run over distinct conversations on two worker processes while workers
// are SIGKILLed (and started again) in given phases, Postgres and the Temporal dev server restart
// at given points of the extraction, and the model answers a share of calls with a fault (429
// with Retry-After, 500, timeout, malformed JSON, schema-violating JSON).
type chaosScenario struct {
	name            string
	conversations   int
	faultRate       float64
	extractionKills int // spread over the extraction
	embeddingKill   bool
	storiesKill     bool
	restartPostgres bool // at about 30% of the extraction
	restartTemporal bool // at about 60% of the extraction
}

// chaosResult is a scenario's line in the table.
type chaosResult struct {
	scenario     chaosScenario
	outcome      string
	duration     time.Duration
	callsPerConv float64 // the run's llm_calls per conversation
	netPerConv   float64 // less the faults injected
	faults       int64
	events       []string
	problems     []string
}

const (
	chaosWorkers     = 2
	chaosConcurrency = 16
	chaosLatency     = 20 * time.Millisecond
)

// TestChaos runs the chaos scenarios and prints their table. `make test` runs the short form: a
// few hundred conversations, one worker killed in extraction, 20% faults, on the shared services.
// `make chaos` (CHAOS=full) runs a few thousand conversations per scenario (CHAOS_N) on a
// private Postgres and a private dev server, which it restarts under the run; CHAOS_REPORT names
// a file the Markdown table is written to.
func TestChaos(t *testing.T) {
	var svc chaosServices
	scenarios := []chaosScenario{{name: "kill in extraction, 20% faults", conversations: 300, faultRate: 0.2, extractionKills: 1}}
	if os.Getenv("CHAOS") == "full" {
		n := 3000
		if v, err := strconv.Atoi(os.Getenv("CHAOS_N")); err == nil && v > 0 {
			n = v
		}
		svc = chaosServices{pg: startPrivatePostgres(t), temporal: startDevServer(t)}
		scenarios = []chaosScenario{
			{name: "worker kills", conversations: n, extractionKills: 3, embeddingKill: true, storiesKill: true},
			{name: "Postgres restart", conversations: n, restartPostgres: true},
			{name: "Temporal restart", conversations: n, restartTemporal: true},
			{name: "model faults 20%", conversations: n, faultRate: 0.2},
			{name: "all at once", conversations: n, faultRate: 0.2, extractionKills: 3, embeddingKill: true, storiesKill: true,
				restartPostgres: true, restartTemporal: true},
		}
	}
	var results []chaosResult
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			r := chaosResult{scenario: sc, outcome: "did not end"}
			defer func() {
				if t.Failed() && len(r.problems) == 0 {
					r.problems = []string{"failed: see the test log"}
				}
				results = append(results, r)
			}()
			runChaosScenario(t, svc, &r)
		})
	}
	table := chaosTable(results)
	t.Log("\n" + table)
	if path := os.Getenv("CHAOS_REPORT"); path != "" {
		if err := os.WriteFile(path, []byte(table), 0o644); err != nil {
			t.Errorf("write the chaos report: %v", err)
		}
	}
}

// runChaosScenario runs one scenario, filling r as it goes, and fails t on any problem.
func runChaosScenario(t *testing.T, svc chaosServices, r *chaosResult) {
	sc := r.scenario
	f := newChaosFleet(t, svc, syntheticConversations(t, sc.conversations), chaosLatency, sc.faultRate)
	if sc.embeddingKill {
		// Batches embed their conversations ahead, so the embedding phase would have nothing to
		// embed (and the gate would hold the batches' requests): these workers leave every
		// vector to the phase, so the kill lands in it.
		f.env = append(f.env, "EMBED_AHEAD=off")
	}
	for i := range chaosWorkers {
		f.start(fmt.Sprintf("worker-%d", i))
	}
	var embeddingArrived <-chan struct{}
	if sc.embeddingKill {
		embeddingArrived = f.gate.arm()
	}
	start := time.Now()
	runID := f.run(pipeline.RunInput{Days: 3650, Concurrency: chaosConcurrency, CreateStories: true})
	event := func(format string, args ...any) {
		e := fmt.Sprintf("%5.1fs ", time.Since(start).Seconds()) + fmt.Sprintf(format, args...)
		r.events = append(r.events, e)
		t.Log(e)
	}

	// Extraction: the kills and restarts at their share of the conversations done.
	type step struct {
		at   float64
		what string
	}
	var plan []step
	for i := range sc.extractionKills {
		plan = append(plan, step{at: 0.15 + 0.6*float64(i)/float64(max(sc.extractionKills, 1)), what: "kill"})
	}
	if sc.restartPostgres {
		plan = append(plan, step{at: 0.3, what: "postgres"})
	}
	if sc.restartTemporal {
		plan = append(plan, step{at: 0.6, what: "temporal"})
	}
	sort.SliceStable(plan, func(i, j int) bool { return plan[i].at < plan[j].at })
	deadline := time.Now().Add(10 * time.Minute)
	for len(plan) > 0 {
		done, err := f.tryCount(`SELECT count(*) FROM extractions WHERE run_id = $1`, runID)
		if err == nil && done >= sc.conversations {
			r.problems = append(r.problems, fmt.Sprintf("the extraction ended before %d planned event(s)", len(plan)))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the extraction did not progress: %d of %d done\n%s", done, sc.conversations, f.logTails())
		}
		if err != nil || float64(done) < plan[0].at*float64(sc.conversations) {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		switch s := plan[0]; s.what {
		case "kill":
			name, err := f.killDuring(runID, "ExtractBatch", time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			event("SIGKILL %s in extraction (%d/%d done), started again", name, done, sc.conversations)
		case "postgres":
			d := svc.pg.restart()
			event("Postgres restarted in %.1fs (%d/%d done)", d.Seconds(), done, sc.conversations)
		case "temporal":
			d := svc.temporal.restart()
			event("Temporal dev server restarted in %.1fs (%d/%d done)", d.Seconds(), done, sc.conversations)
		}
		plan = plan[1:]
	}
	if sc.embeddingKill {
		select {
		case <-embeddingArrived:
		case <-time.After(10 * time.Minute):
			t.Fatalf("no embeddings request\n%s", f.logTails())
		}
		name, err := f.killDuring(runID, "EmbedThemes", time.Minute)
		f.gate.release()
		if err != nil {
			t.Fatal(err)
		}
		event("SIGKILL %s in embedding, started again", name)
	}
	if sc.storiesKill {
		name, err := f.killDuring(runID, "BuildStories", 10*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		event("SIGKILL %s in stories, started again", name)
	}
	s := f.wait(runID, 15*time.Minute)
	r.duration = time.Since(start)
	r.outcome = s.Status
	r.faults = f.model.Stats().TotalFaults()
	if n := s.Counters.ConversationsSelected; n > 0 {
		r.callsPerConv = float64(s.Counters.LLMCalls) / float64(n)
	}
	r.netPerConv = netCallsPerConversation(s.Counters, r.faults)
	c := s.Counters
	event("run %s ended %s: %d themes, %d filtered, %d failed, %d not actionable; %d stories, %d orphans; %d LLM calls",
		runID, s.Status, c.ThemesExtracted, c.ThemesFiltered, c.ExtractionFailed, c.NotActionable, c.StoriesCreated, c.OrphansCreated, c.LLMCalls)
	if s.Status != pipeline.StatusCompleted {
		t.Fatalf("run ended %s: %s\n%s", s.Status, s.FailureMessage, f.logTails())
	}
	if s.Counters.ConversationsSelected != sc.conversations {
		r.problems = append(r.problems, fmt.Sprintf("%d conversations selected of %d", s.Counters.ConversationsSelected, sc.conversations))
	}
	f.assertAccountedOnce(runID, s)
	if retried, err := f.retriedActivities(runID); err != nil {
		r.problems = append(r.problems, err.Error())
	} else {
		event("activities retried after a failed attempt: %v", retried)
		if sc.embeddingKill && retried["EmbedThemes"] == 0 {
			r.problems = append(r.problems, "the embedding phase was never retried: the kill missed it")
		}
		if sc.storiesKill && retried["BuildStories"] == 0 {
			r.problems = append(r.problems, "the stories phase was never retried: the kill missed it")
		}
	}
	if sc.faultRate > 0 && r.faults == 0 {
		r.problems = append(r.problems, "no fault was injected")
	}
	r.problems = append(r.problems, f.checkChaosRun(runID, s, r.faults)...)
	for _, p := range r.problems {
		t.Error(p)
	}
}

// chaosTable is the Markdown table of the scenarios run.
func chaosTable(results []chaosResult) string {
	var b strings.Builder
	b.WriteString("| scenario | conversations | chaos | outcome | checks | duration | LLM calls/conv | faults injected | calls/conv beyond faults |\n")
	b.WriteString("| --- | ---: | --- | --- | --- | ---: | ---: | ---: | ---: |\n")
	for _, r := range results {
		sc := r.scenario
		var chaos []string
		if sc.extractionKills > 0 {
			chaos = append(chaos, fmt.Sprintf("%d kill(s) in extraction", sc.extractionKills))
		}
		if sc.embeddingKill {
			chaos = append(chaos, "kill in embedding")
		}
		if sc.storiesKill {
			chaos = append(chaos, "kill in stories")
		}
		if sc.restartPostgres {
			chaos = append(chaos, "Postgres restart")
		}
		if sc.restartTemporal {
			chaos = append(chaos, "Temporal restart")
		}
		if sc.faultRate > 0 {
			chaos = append(chaos, fmt.Sprintf("%.0f%% faults", 100*sc.faultRate))
		}
		checks := "all passed"
		if len(r.problems) > 0 {
			checks = strings.ReplaceAll(strings.Join(r.problems, "; "), "|", "\\|")
		}
		if r.outcome != pipeline.StatusCompleted {
			checks = "not reached"
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %.1f s | %.3f | %d | %.3f |\n", sc.name, sc.conversations,
			strings.Join(chaos, ", "), r.outcome, checks, r.duration.Seconds(), r.callsPerConv, r.faults, r.netPerConv)
	}
	for _, r := range results {
		fmt.Fprintf(&b, "\n%s:\n", r.scenario.name)
		for _, e := range r.events {
			fmt.Fprintf(&b, "- %s\n", strings.TrimSpace(e))
		}
	}
	fmt.Fprintf(&b, "\n%d worker processes, concurrency %d, model latency %v; each scenario on a fresh database. "+
		"Duration: from the run's start to its end. LLM calls: the run's llm_calls (retries, corrective calls and "+
		"embedding requests included); beyond faults: less one call per injected fault, bounded at %.2f.\n",
		chaosWorkers, chaosConcurrency, chaosLatency, maxCallsPerConversation)
	return b.String()
}
