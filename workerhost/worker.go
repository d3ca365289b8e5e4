// Package workerhost assembles the worker process from its parts: configuration, migrations, the
// Postgres pool, the LLM client (or the built-in local model), the Temporal client and worker.
// The worker binary and the integration tests start the very same assembly.
package workerhost

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"feedbackpipe/activities"
	"feedbackpipe/config"
	"feedbackpipe/llm"
	"feedbackpipe/localmodel"
	"feedbackpipe/pipeline"
	"feedbackpipe/store"
	"feedbackpipe/telemetry"
	"feedbackpipe/workflows"
)

// Worker is a running worker process's parts.
type Worker struct {
	Store      *store.Store
	Temporal   client.Client
	Activities *activities.Activities
	LocalModel *localmodel.Server // nil when an API key is configured
	Metrics    *Metrics           // nil when METRICS_ADDR is empty

	worker    worker.Worker
	stopLocal func(context.Context) error
	stopSweep context.CancelFunc
	telemetry *telemetry.Metrics
	logger    *slog.Logger
}

// Options are what the process adds to the configuration.
type Options struct {
	Config     config.Config
	LocalModel localmodel.Config
	Activities activities.Config
	Logger     *slog.Logger
}

// Start migrates the database, connects everything, and starts polling the task queue.
func Start(ctx context.Context, o Options) (*Worker, error) {
	cfg, logger := o.Config, o.Logger
	w := &Worker{logger: logger}
	version, err := store.Migrate(cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	logger.Info("database schema ready", "version", version)
	if w.Store, err = store.Open(ctx, cfg.DatabaseURL); err != nil {
		return nil, err
	}
	llmCfg := cfg.LLM
	if cfg.UsesLocalModel() {
		w.LocalModel = localmodel.New(o.LocalModel, logger.With("component", "local-model"))
		baseURL, stop, err := w.LocalModel.Start("127.0.0.1:0")
		if err != nil {
			w.Close(ctx)
			return nil, fmt.Errorf("start the built-in local model: %w", err)
		}
		w.stopLocal = stop
		llmCfg.BaseURL, llmCfg.APIKey = baseURL, "local"
		logger.Info("no OPENAI_API_KEY set: using the built-in local model", "url", baseURL,
			"latency", o.LocalModel.Latency, "fault_rate", o.LocalModel.FaultRate)
	} else {
		logger.Info("using the OpenAI-compatible API", "base_url", displayBaseURL(llmCfg.BaseURL),
			"model", llmCfg.ChatModel, "embedding_model", llmCfg.EmbeddingModel)
	}
	var tm *telemetry.Metrics
	if cfg.MetricsAddr != "" {
		if tm, err = telemetry.New(); err != nil {
			w.Close(ctx)
			return nil, err
		}
		w.telemetry, llmCfg.Recorder = tm, tm.LLM()
	}
	client := llm.New(llmCfg, logger.With("component", "llm"))
	acfg := o.Activities
	if len(cfg.Actionable) > 0 {
		acfg.Actionable = cfg.Actionable
	}
	if cfg.NoEmbedAhead {
		acfg.EmbedAhead = false
	}
	if cfg.StoryWriters > 0 {
		acfg.GroupWriters = cfg.StoryWriters
	}
	w.Activities = activities.New(w.Store, client, acfg, logger.With("component", "activities"))
	if tm != nil {
		if err := tm.WatchSignatureCaches(w.Activities.Signatures.Stats); err != nil {
			w.Close(ctx)
			return nil, err
		}
	}
	if w.Temporal, err = cfg.Dial(logger, sdkMetrics(tm)); err != nil {
		w.Close(ctx)
		return nil, err
	}
	w.worker = worker.New(w.Temporal, cfg.TaskQueue, worker.Options{
		// Heartbeats carry stop requests: send them at least every second.
		MaxHeartbeatThrottleInterval:     time.Second,
		DefaultHeartbeatThrottleInterval: time.Second,
		WorkerStopTimeout:                10 * time.Second,
		DisableRegistrationAliasing:      true,
		// A run keeps up to ⌈C/4⌉ batch activities in flight and starts the next as soon as one
		// ends. Batches start eagerly on the worker that scheduled them when the server allows it
		// (system.enableActivityEagerExecution): a batch that goes through the task queue instead
		// started 10–570 ms after it was scheduled on the dev server. A run's first workflow task
		// schedules ⌈C/4⌉ batches at once (16 at C=64), so up to maxEagerBatches of them start
		// eagerly; with 8, the other 8 of a C=64 run started 0.33–0.57 s late.
		MaxConcurrentActivityTaskPollers:            8,
		MaxConcurrentWorkflowTaskPollers:            4,
		MaxEagerActivityReservationsPerWorkflowTask: ptr(maxEagerBatches),
		DisableEagerActivities:                      cfg.NoEagerActivities,
		Interceptors:                                workerInterceptors(tm),
	})
	w.worker.RegisterWorkflowWithOptions(workflows.PipelineRun, workflow.RegisterOptions{Name: pipeline.WorkflowName})
	w.worker.RegisterWorkflowWithOptions(workflows.RunIndex, workflow.RegisterOptions{Name: pipeline.IndexWorkflowName})
	w.worker.RegisterWorkflowWithOptions(workflows.ScheduledRun, workflow.RegisterOptions{Name: pipeline.ScheduledRunWorkflowName})
	w.worker.RegisterActivity(w.Activities)
	if err := w.worker.Start(); err != nil {
		w.Close(ctx)
		return nil, fmt.Errorf("start Temporal worker on task queue %s: %w", cfg.TaskQueue, err)
	}
	sweepCtx, stopSweep := context.WithCancel(context.WithoutCancel(ctx))
	w.stopSweep = stopSweep
	go activities.KeepSweeping(sweepCtx, w.Activities, activities.RunStateSweepInterval)
	if cfg.MetricsAddr != "" {
		if w.Metrics, err = StartMetrics(cfg.MetricsAddr, tm, w.Temporal, cfg.TaskQueue, logger); err != nil {
			w.Close(ctx)
			return nil, err
		}
	}
	payloadKey := "off"
	if cfg.Codec != nil {
		payloadKey = cfg.Codec.CurrentKeyID()
	}
	logger.Info("worker started", "temporal", cfg.TemporalAddress, "namespace", cfg.Namespace, "tls", cfg.TLSEnabled(),
		"task_queue", cfg.TaskQueue, "payload_encryption_key_id", payloadKey)
	return w, nil
}

// Close stops polling (letting running activities finish for up to WorkerStopTimeout) and
// releases every connection.
func (w *Worker) Close(ctx context.Context) {
	if w.Metrics != nil {
		w.Metrics.Close(ctx)
	}
	if w.worker != nil {
		w.worker.Stop()
	}
	if w.stopSweep != nil {
		w.stopSweep()
	}
	if w.Temporal != nil {
		w.Temporal.Close()
	}
	if w.telemetry != nil {
		if err := w.telemetry.Close(ctx); err != nil {
			w.logger.Warn("stop metrics", "error", err)
		}
	}
	if w.stopLocal != nil {
		if err := w.stopLocal(ctx); err != nil && !errors.Is(err, context.Canceled) {
			w.logger.Warn("stop local model", "error", err)
		}
	}
	if w.Store != nil {
		w.Store.Close()
	}
}

// sdkMetrics is the Temporal SDK's metrics handler when the worker serves metrics (tm not nil).
func sdkMetrics(tm *telemetry.Metrics) client.MetricsHandler {
	if tm == nil {
		return nil
	}
	return tm.SDKHandler()
}

// workerInterceptors are the worker's interceptors: the metrics' first (when served), so they
// see what HistorySafe lets into history.
func workerInterceptors(tm *telemetry.Metrics) []interceptor.WorkerInterceptor {
	// Activity results and errors reach history as codes and IDs, never customer or model text.
	safe := activities.HistorySafe()
	if tm == nil {
		return []interceptor.WorkerInterceptor{safe}
	}
	return []interceptor.WorkerInterceptor{tm.ActivityInterceptor(), safe}
}

// displayBaseURL is the API base URL as logged: without user info or query, where secrets hide.
func displayBaseURL(u string) string {
	if u == "" {
		return "https://api.openai.com/v1"
	}
	return config.RedactBaseURL(u)
}

// maxEagerBatches is how many activities one workflow task may start eagerly: the first wave of
// batches of a run at C=128.
const maxEagerBatches = 32

func ptr[T any](v T) *T { return &v }
