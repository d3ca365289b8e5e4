// Command worker is the pipeline's worker process: it applies migrations, connects to Postgres
// and Temporal, starts the built-in local model when no OPENAI_API_KEY is set, and executes
// PipelineRun workflows and their activities until SIGINT or SIGTERM.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"feedbackpipe/activities"
	"feedbackpipe/config"
	"feedbackpipe/localmodel"
	"feedbackpipe/workerhost"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return err
	}
	flag.StringVar(&cfg.DatabaseURL, "database-url", cfg.DatabaseURL, "Postgres URL (env DATABASE_URL)")
	flag.StringVar(&cfg.TemporalAddress, "temporal-address", cfg.TemporalAddress, "Temporal frontend host:port (env TEMPORAL_ADDRESS or the Temporal profile)")
	flag.StringVar(&cfg.Namespace, "namespace", cfg.Namespace, "Temporal namespace (env TEMPORAL_NAMESPACE or the Temporal profile)")
	flag.StringVar(&cfg.TaskQueue, "task-queue", cfg.TaskQueue, "task queue to poll (env TASK_QUEUE)")
	flag.StringVar(&cfg.MetricsAddr, "metrics-addr", cfg.MetricsAddr, "serve Prometheus metrics here, e.g. :9090 (env METRICS_ADDR; empty: off)")
	flag.StringVar(&cfg.LogLevel, "log-level", cfg.LogLevel, "debug, info, warn or error (env LOG_LEVEL)")
	flag.Parse()
	logger, err := newLogger(cfg.LogLevel)
	if err != nil {
		return err
	}
	local, err := localmodel.ConfigFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	w, err := workerhost.Start(ctx, workerhost.Options{Config: cfg, LocalModel: local, Activities: activities.DefaultConfig(), Logger: logger})
	if err != nil {
		return err
	}
	<-ctx.Done()
	logger.Info("shutting down: finishing running activities")
	closeCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	w.Close(closeCtx)
	logger.Info("worker stopped")
	return nil
}

func newLogger(level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("LOG_LEVEL %q: want debug, info, warn or error", level)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: l})), nil
}
