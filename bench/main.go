// Command bench measures the product end to end, as users run it: worker processes (bin/worker)
// on one task queue, the Temporal dev server, Postgres, the built-in model (served by this
// process with latency L, so its CPU is this process's), and a run admitted like `starter run`,
// timed until it completed. It prints a table and writes it as JSON under bench-results/.
//
//	make bench                    the default preset (N=5,000, C=64, L=1 s, 1 worker)
//	make bench BENCH=seed|cpu|scale|daily
//	BENCH_N, BENCH_CONCURRENCY, BENCH_LATENCY, BENCH_WORKERS, BENCH_HISTORY override a preset's fields.
//	BENCH_STOP=extraction|embedding|stories stops the run when it reaches that phase and reports
//	how long the stop took.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime/pprof"
	"time"

	"feedbackpipe/config"
)

func main() {
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if err := run(context.Background(), logger); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, logger *slog.Logger) error {
	preset, err := presetFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return err
	}
	workerBin := os.Getenv("BENCH_WORKER_BIN")
	if workerBin == "" {
		workerBin = "bin/worker"
	}
	if path := os.Getenv("BENCH_CPUPROFILE"); path != "" {
		stop, err := profileCPU(path)
		if err != nil {
			return err
		}
		defer stop()
	}
	started := time.Now()
	res, err := measure(ctx, logger, cfg, preset, workerBin)
	if err != nil {
		return err
	}
	res.print(os.Stdout)
	path, err := res.save("bench-results", started)
	if err != nil {
		return err
	}
	fmt.Printf("\nwritten to %s\n", path)
	want := "completed"
	if preset.StopIn != "" {
		want = "stopped"
	}
	if res.Status != want {
		return fmt.Errorf("the run ended %s, want %s", res.Status, want)
	}
	return nil
}

// profileCPU writes a CPU profile of the bench process (the built-in model runs in it) to path
// until stop is called.
func profileCPU(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
