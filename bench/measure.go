package main

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"feedbackpipe/config"
	"feedbackpipe/localmodel"
	"feedbackpipe/pipeline"
	"feedbackpipe/runindex"
)

// measure sets up a scratch database and task queue, runs the preset once, and tears down.
func measure(ctx context.Context, logger *slog.Logger, cfg config.Config, p Preset, workerBin string) (Result, error) {
	stamp := time.Now().UTC().Format("20060102150405")
	db, err := newScratchDB(ctx, cfg.DatabaseURL, "bench_"+stamp)
	if err != nil {
		return Result{}, err
	}
	if os.Getenv("BENCH_KEEP_DB") == "1" {
		defer db.st.Close()
		logger.Info("the benchmark database is kept (BENCH_KEEP_DB=1)", "database", db.name)
	} else {
		defer db.drop(ctx, logger)
	}
	logger.Info("importing conversations", "n", p.N, "history", p.History)
	newSince, err := db.importSynthetic(ctx, p.N)
	if err != nil {
		return Result{}, err
	}
	model := localmodel.New(localmodel.Config{Latency: p.Latency, RecordCalls: true}, nil)
	baseURL, stopModel, err := model.Start("127.0.0.1:0")
	if err != nil {
		return Result{}, err
	}
	defer func() { _ = stopModel(context.Background()) }()
	tc, err := cfg.Dial(logger, nil)
	if err != nil {
		return Result{}, err
	}
	defer tc.Close()
	queue := "bench-" + stamp
	fl, err := startWorkers(workerBin, p.Workers, append(os.Environ(),
		"DATABASE_URL="+db.url, "TASK_QUEUE="+queue, "OPENAI_BASE_URL="+baseURL, "OPENAI_API_KEY=bench-local",
		"LLM_MODEL="+config.LocalChatModel, "EMBEDDING_MODEL="+config.LocalEmbeddingModel,
		fmt.Sprintf("LLM_WORKERS=%d", p.Workers), "LOG_LEVEL="+cmp.Or(os.Getenv("BENCH_LOG_LEVEL"), "warn"), "METRICS_ADDR="))
	if err != nil {
		return Result{}, err
	}
	defer fl.stop()
	if err := waitForPollers(ctx, tc, queue, p.Workers); err != nil {
		return Result{}, fmt.Errorf("%w (worker logs in %s)", err, fl.logDir)
	}
	input := pipeline.RunInput{Days: 3650, Concurrency: p.Concurrency, CreateStories: true}
	var historySeconds float64
	if p.History > 0 {
		s := session{logger: logger, db: db, tc: tc, cfg: cfg, queue: queue}
		if historySeconds, err = s.runHistory(ctx, p, newSince); err != nil {
			return Result{}, fmt.Errorf("%w (worker logs in %s)", err, fl.logDir)
		}
		input = pipeline.RunInput{Since: &newSince, Concurrency: p.Concurrency, CreateStories: true}
	}
	// The model's counts before the measured run (the history run's), taken off its own. Its peak of
	// chat calls in flight is over both runs, each bounded by the same C.
	stats0 := model.Stats()
	calibrated := calibrate()
	groups := findCPUGroups(fl.pids())
	cpu0, machine0 := snapshotCPU(groups), readMachineCPU()

	logger.Info("run starts", "preset", p.Name, "n", p.N, "concurrency", p.Concurrency, "latency", p.Latency, "workers", p.Workers)
	start := time.Now()
	runID, err := runindex.StartRun(ctx, tc, queue, input, cfg.Index, start)
	if err != nil {
		return Result{}, err
	}
	defer terminateIndex(tc, queue, logger)
	final, stopSent, err := follow(ctx, tc, runID, p.StopIn)
	if err != nil {
		return Result{}, fmt.Errorf("%w (worker logs in %s)", err, fl.logDir)
	}
	wall := time.Since(start)
	cpu1, machine1 := snapshotCPU(groups), readMachineCPU()
	logger.Info("run ended", "wall", wall, "worker_logs", fl.logDir)
	machine := machineLoad(runtime.NumCPU(), machine0, machine1, cpu0, cpu1)
	machine.CalibrationMS = [2]float64{ms(calibrated), ms(calibrate())}

	stats := model.Stats()
	stats.ChatRequests -= stats0.ChatRequests
	stats.EmbeddingRequests -= stats0.EmbeddingRequests
	r := Result{
		Preset: p, WallSeconds: wall.Seconds(), IdealSeconds: p.ideal().Seconds(),
		Efficiency: p.ideal().Seconds() / wall.Seconds(), ConvPerSecond: float64(p.N) / wall.Seconds(),
		Status: final.Status, LLMCallsPerConv: float64(final.LLMCalls) / float64(p.N), ChatRequests: stats.ChatRequests,
		EmbeddingRequests: stats.EmbeddingRequests, PeakCallsInFlight: stats.PeakChatInFlight,
		CPUPerConvMS: cpu1.perConversation(cpu0, p.N), Machine: machine, HistorySeconds: historySeconds,
	}
	if !stopSent.IsZero() {
		r.StopSeconds = start.Add(wall).Sub(stopSent).Seconds()
	}
	if r.Run, err = workflowHistory(ctx, tc, cfg.Namespace, runID); err != nil {
		return r, err
	}
	r.PhaseSeconds = phaseDurations(start, start.Add(wall), r.Run.phases)
	extraction := r.PhaseSeconds["extraction"]
	r.ExtractionSlots = slotTime(model.ChatCalls(), p.Concurrency, start, extraction)
	if extraction > 0 {
		r.MeanCallsInFlight = r.ExtractionSlots.Busy / extraction * float64(p.Concurrency)
	}
	if r.Index, err = workflowHistory(ctx, tc, cfg.Namespace, pipeline.IndexWorkflowID(queue)); err != nil {
		return r, err
	}
	r.EventsPer1000 = float64(r.Run.Events) / float64(p.N) * 1000
	r.WorkerPeakRSS = fl.peakRSS()
	if r.PostgresBytes, err = db.size(ctx); err != nil {
		return r, err
	}
	return r, nil
}

// session is what one benchmark's runs share: its log, scratch database, Temporal client and
// configuration, and task queue.
type session struct {
	logger *slog.Logger
	db     *scratchDB
	tc     client.Client
	cfg    config.Config
	queue  string
}

// runHistory imports the preset's history, conversations created before newSince, and runs them
// to completion as a run of its own on the same workers; it returns how long the run took.
func (s session) runHistory(ctx context.Context, p Preset, newSince time.Time) (float64, error) {
	if err := s.db.importHistory(ctx, p.History); err != nil {
		return 0, err
	}
	since := newSince.Add(-historyAge - 24*time.Hour)
	s.logger.Info("history run starts", "n", p.History)
	start := time.Now()
	runID, err := runindex.StartRun(ctx, s.tc, s.queue, pipeline.RunInput{Since: &since, Until: &newSince,
		Concurrency: p.Concurrency, CreateStories: true}, s.cfg.Index, start)
	if err != nil {
		return 0, fmt.Errorf("start the history run: %w", err)
	}
	final, _, err := follow(ctx, s.tc, runID, "")
	if err != nil {
		return 0, fmt.Errorf("the history run: %w", err)
	}
	if final.Status != "completed" || final.Counters.ConversationsSelected != p.History {
		return 0, fmt.Errorf("the history run ended %s with %d conversations, want completed with %d",
			final.Status, final.Counters.ConversationsSelected, p.History)
	}
	took := time.Since(start).Seconds()
	s.logger.Info("history run ended", "wall_seconds", took)
	return took, nil
}

// follow waits for the run to end (its result, as a client waiting on it gets it) while asking
// for its status as often as `starter watch` does. With stopIn set, it asks every 100 ms and sends
// the run stop when its status first shows that phase. Phase times come from the run's history
// afterwards (exact, where polls would see a phase up to one poll late), so the polls are only
// those of a person following the run.
func follow(ctx context.Context, tc client.Client, runID string, stopIn string) (
	final pipeline.Status, stopSent time.Time, err error) {
	type ended struct {
		status pipeline.Status
		err    error
	}
	done := make(chan ended, 1)
	go func() {
		var final pipeline.Status
		err := tc.GetWorkflow(ctx, runID, "").Get(ctx, &final)
		done <- ended{final, err}
	}()
	every := pipeline.WatchInterval
	if stopIn != "" {
		every = 100 * time.Millisecond // send the stop soon after the phase starts
	}
	poll := time.NewTicker(every)
	defer poll.Stop()
	for {
		select {
		case e := <-done:
			if e.err == nil {
				return e.status, stopSent, nil
			}
			// A failed run returns an error: its status says why.
			resp, qerr := tc.QueryWorkflow(ctx, runID, "", pipeline.QueryStatus)
			var s pipeline.Status
			if qerr == nil {
				qerr = resp.Get(&s)
			}
			if err := qerr; err != nil {
				return s, stopSent, fmt.Errorf("run %s: %w (its status: %w)", runID, e.err, err)
			}
			return s, stopSent, nil
		case <-poll.C:
		}
		qctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		resp, err := tc.QueryWorkflow(qctx, runID, "", pipeline.QueryStatus)
		var s pipeline.Status
		if err == nil {
			err = resp.Get(&s)
		}
		cancel()
		if err == nil && stopIn != "" && s.Phase == stopIn && stopSent.IsZero() {
			stopSent = time.Now()
			if err := tc.SignalWorkflow(ctx, runID, "", pipeline.SignalStop, nil); err != nil {
				return s, stopSent, fmt.Errorf("stop run %s: %w", runID, err)
			}
		}
	}
}

// phaseDurations turns the times phases were first seen into durations.
func phaseDurations(start, end time.Time, seen map[string]time.Time) map[string]float64 {
	at := func(ph string, fallback time.Time) time.Time {
		if t, ok := seen[ph]; ok {
			return t
		}
		return fallback
	}
	// A phase the run never entered (stories of a stopped run) takes no time: it starts when the
	// next does.
	sto := at(pipeline.PhaseStories, end)
	emb := at(pipeline.PhaseEmbedding, sto)
	return map[string]float64{
		"extraction": emb.Sub(start).Seconds(),
		"embedding":  sto.Sub(emb).Seconds(),
		"stories":    end.Sub(sto).Seconds(),
	}
}

// waitForPollers waits until n workers poll the task queue for activities.
func waitForPollers(ctx context.Context, tc client.Client, queue string, n int) error {
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := tc.DescribeTaskQueue(ctx, queue, enumspb.TASK_QUEUE_TYPE_ACTIVITY)
		if err == nil && len(resp.Pollers) >= n {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d worker(s) did not poll task queue %s within a minute", n, queue)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// terminateIndex ends the benchmark's run index, so nothing is left running in Temporal.
func terminateIndex(tc client.Client, queue string, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := tc.TerminateWorkflow(ctx, pipeline.IndexWorkflowID(queue), "", "benchmark finished"); err != nil {
		logger.Warn("terminate the benchmark's run index", "error", err)
	}
}

// ms is d in milliseconds.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
