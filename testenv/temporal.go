package testenv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"google.golang.org/protobuf/types/known/durationpb"

	"feedbackpipe/config"
	"feedbackpipe/pipeline"
)

// DefaultNamespace is the Temporal namespace tests run in, so their workflows never mix with a
// user's runs in the namespace `make up` serves them in.
const DefaultNamespace = "feedbackpipe-test"

// TemporalAddress is where the tests find Temporal.
func TemporalAddress() string {
	if a := os.Getenv("TEMPORAL_ADDRESS"); a != "" {
		return a
	}
	return config.DefaultTemporalAddress
}

// Namespace is the namespace tests use: TEST_TEMPORAL_NAMESPACE, or feedbackpipe-test.
func Namespace() string {
	if n := os.Getenv("TEST_TEMPORAL_NAMESPACE"); n != "" {
		return n
	}
	return DefaultNamespace
}

// WorkerEnv is what a worker or starter process started by a test adds to its environment to
// reach the test namespace on the dev server (and no profile of the user's config file).
func WorkerEnv(t testing.TB) []string {
	return []string{
		"TEMPORAL_ADDRESS=" + TemporalAddress(),
		"TEMPORAL_NAMESPACE=" + Namespace(),
		"TEMPORAL_CONFIG_FILE=" + noConfigFile(t),
		"TEMPORAL_PROFILE=",
		"TEMPORAL_API_KEY=",
	}
}

// Config is the programs' configuration as the tests run them: the dev server, the test
// namespace, plain-text gRPC (no profile of the user's config file), other settings defaulted.
func Config(t testing.TB) config.Config {
	t.Helper()
	cfg, err := config.Load(func(key string) string {
		if key == "TEMPORAL_CONFIG_FILE" {
			return noConfigFile(t)
		}
		return ""
	})
	if err != nil {
		t.Fatalf("load the default configuration: %v", err)
	}
	cfg.TemporalAddress, cfg.Namespace = TemporalAddress(), Namespace()
	return cfg
}

func noConfigFile(t testing.TB) string { return t.TempDir() + "/no-temporal.toml" }

// Temporal connects a client to the dev server in the test namespace (registered with the
// pipeline's search attributes if it is not yet), closed when the test ends.
func Temporal(t testing.TB) client.Client {
	t.Helper()
	if testing.Short() {
		t.Skip("needs Temporal; skipped in -short mode")
	}
	c, err := client.Dial(client.Options{
		HostPort:  TemporalAddress(),
		Namespace: Namespace(),
		Logger:    tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
	})
	if err != nil {
		unavailable(t, "Temporal", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := c.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		c.Close()
		unavailable(t, "Temporal", err)
	}
	t.Cleanup(c.Close)
	ctx, cancel = context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := EnsureNamespace(ctx, c, Namespace()); err != nil {
		t.Fatalf("prepare the test namespace: %v", err)
	}
	return c
}

// EnsureNamespace registers namespace with the pipeline's search attributes unless they exist,
// and waits until the frontend serves both (a new namespace takes a few seconds to be visible).
// It is idempotent and safe to call from concurrent test processes.
func EnsureNamespace(ctx context.Context, c client.Client, namespace string) error {
	_, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: namespace})
	var nf *serviceerror.NamespaceNotFound
	if errors.As(err, &nf) {
		_, err = c.WorkflowService().RegisterNamespace(ctx, &workflowservice.RegisterNamespaceRequest{
			Namespace:                        namespace,
			Description:                      "feedbackpipe tests: each test terminates the workflows of its task queue",
			WorkflowExecutionRetentionPeriod: durationpb.New(24 * time.Hour),
		})
		var exists *serviceerror.NamespaceAlreadyExists
		if errors.As(err, &exists) {
			err = nil
		}
	}
	if err != nil {
		return fmt.Errorf("register namespace %s: %w", namespace, err)
	}
	if err := ensureSearchAttributes(ctx, c, namespace); err != nil {
		return err
	}
	// Wait until a visibility query in the namespace that names the attributes is accepted.
	query := fmt.Sprintf("%s = 'x' AND %s = 'x'", pipeline.SearchAttrStatus, pipeline.SearchAttrPhase)
	for {
		_, err := c.WorkflowService().CountWorkflowExecutions(ctx, &workflowservice.CountWorkflowExecutionsRequest{Namespace: namespace, Query: query})
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("namespace %s with its search attributes is not served yet: %w", namespace, err)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func ensureSearchAttributes(ctx context.Context, c client.Client, namespace string) error {
	for {
		resp, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
		var nf *serviceerror.NamespaceNotFound
		if errors.As(err, &nf) {
			// Just registered: wait for it to be visible.
			select {
			case <-ctx.Done():
				return fmt.Errorf("list search attributes of %s: %w", namespace, err)
			case <-time.After(250 * time.Millisecond):
				continue
			}
		}
		if err != nil {
			return fmt.Errorf("list search attributes of %s: %w", namespace, err)
		}
		missing := map[string]enumspb.IndexedValueType{}
		for _, name := range []string{pipeline.SearchAttrStatus, pipeline.SearchAttrPhase} {
			if _, ok := resp.GetCustomAttributes()[name]; !ok {
				missing[name] = enumspb.INDEXED_VALUE_TYPE_KEYWORD
			}
		}
		if len(missing) == 0 {
			return nil
		}
		_, err = c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{Namespace: namespace, SearchAttributes: missing})
		var exists *serviceerror.AlreadyExists
		if err != nil && !errors.As(err, &exists) {
			return fmt.Errorf("add search attributes to %s: %w", namespace, err)
		}
	}
}

// TaskQueue returns a fresh task queue named after prefix and makes the test leave nothing
// running on it: when the test ends, every open workflow on the queue (run index, runs, their
// children) is terminated. Call it before starting the test's worker: cleanups run last-in
// first-out, so the worker stops first and starts nothing after the sweep.
func TaskQueue(t testing.TB, c client.Client, prefix string) string {
	t.Helper()
	queue := UniqueName(prefix)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		n, err := TerminateOpen(ctx, c, Namespace(), queue)
		if err != nil {
			t.Errorf("terminate the workflows left on task queue %s: %v", queue, err)
		} else if n > 0 {
			t.Logf("terminated %d workflow(s) left running on task queue %s", n, queue)
		}
	})
	return queue
}

// TerminateOpen terminates every running workflow on the task queue and returns how many. It
// lists again until the list is empty, as visibility may lag behind a start by a moment.
func TerminateOpen(ctx context.Context, c client.Client, namespace, queue string) (int, error) {
	query := fmt.Sprintf("TaskQueue = '%s' AND ExecutionStatus = 'Running'", queue)
	total := 0
	for pass := 0; ; pass++ {
		var token []byte
		found := 0
		for {
			resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Namespace: namespace, Query: query, NextPageToken: token})
			if err != nil {
				return total, fmt.Errorf("list running workflows on %s: %w", queue, err)
			}
			for _, ex := range resp.GetExecutions() {
				found++
				err := c.TerminateWorkflow(ctx, ex.GetExecution().GetWorkflowId(), ex.GetExecution().GetRunId(), "test ended")
				var nf *serviceerror.NotFound
				if err != nil && !errors.As(err, &nf) {
					return total, fmt.Errorf("terminate %s: %w", ex.GetExecution().GetWorkflowId(), err)
				}
				if err == nil {
					total++
				}
			}
			if token = resp.GetNextPageToken(); len(token) == 0 {
				break
			}
		}
		// Once nothing was found, look once more a moment later for starts visibility had not
		// shown yet; then stop.
		if found == 0 && pass > 0 {
			return total, nil
		}
		select {
		case <-ctx.Done():
			return total, ctx.Err()
		case <-time.After(300 * time.Millisecond):
		}
	}
}
