package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"feedbackpipe/activities"
	"feedbackpipe/llm"
	"feedbackpipe/pipeline"
	"feedbackpipe/signature"
	"feedbackpipe/telemetry"
	"feedbackpipe/testenv"
)

const dashboardFile = "grafana/dashboards/feedbackpipe.json"

// dashboard is the part of a Grafana dashboard the check reads.
type dashboard struct {
	Title  string  `json:"title"`
	Panels []panel `json:"panels"`
}

type panel struct {
	Title   string `json:"title"`
	Type    string `json:"type"`
	Targets []struct {
		Expr string `json:"expr"`
	} `json:"targets"`
	Panels []panel `json:"panels"` // a collapsed row's panels
}

// metricName finds the metric names a PromQL expression names (the worker's, the SDK's, the
// runtime's); functions, labels and label values do not match.
var metricName = regexp.MustCompile(`\b(?:feedbackpipe|temporal|go|process)_[a-zA-Z0-9_:]+\b`)

// TestDashboardQueriesNameExportedMetrics starts the worker's metrics in-process, exercises
// them as a worker does (a Temporal client and worker on the dev server running a workflow with
// an activity, the LLM recorder, the phase activities' interceptor, the run index gauges),
// scrapes /metrics and checks every panel's query names only metrics found there.
func TestDashboardQueriesNameExportedMetrics(t *testing.T) {
	raw, err := os.ReadFile(dashboardFile)
	if err != nil {
		t.Fatalf("read the dashboard: %v", err)
	}
	var d dashboard
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("parse %s: %v", dashboardFile, err)
	}
	exported := exportedNames(t)
	panels := flatten(d.Panels)
	if len(panels) < 8 {
		t.Errorf("the dashboard has %d panels, want the product's and the SDK's (at least 8)", len(panels))
	}
	for _, p := range panels {
		if p.Type == "row" {
			continue
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			names := metricName.FindAllString(tg.Expr, -1)
			if len(names) == 0 {
				t.Errorf("panel %q: query %q names no metric", p.Title, tg.Expr)
			}
			for _, n := range names {
				if !exported[n] {
					t.Errorf("panel %q: query %q names %s, which the worker does not export", p.Title, tg.Expr, n)
				}
			}
		}
	}
	if t.Failed() {
		var all []string
		for n := range exported {
			all = append(all, n)
		}
		sort.Strings(all)
		t.Logf("exported: %s", strings.Join(all, " "))
	}
}

func flatten(ps []panel) []panel {
	var out []panel
	for _, p := range ps {
		out = append(out, p)
		out = append(out, flatten(p.Panels)...)
	}
	return out
}

// exportedNames exercises a fresh telemetry.Metrics and returns the names its /metrics shows.
func exportedNames(t *testing.T) map[string]bool {
	t.Helper()
	tm, err := telemetry.New()
	if err != nil {
		t.Fatalf("telemetry.New: %v", err)
	}
	t.Cleanup(func() { _ = tm.Close(context.Background()) })
	exerciseSDK(t, tm)

	rec := tm.LLM()
	for _, kind := range []string{llm.KindExtract, llm.KindCorrection, llm.KindEmbed} {
		rec.Request("m", kind, 300*time.Millisecond, nil)
		rec.Request("m", kind, time.Second, errors.New("429"))
		rec.Retry("m", kind, "rate_limited")
		rec.Tokens("m", kind, 100, 20)
	}
	tm.ItemFailed("extraction", telemetry.Reason("low_quality: 0.20 < 0.30"))
	if err := tm.WatchSignatureCaches(func() signature.Stats { return signature.Stats{Runs: 1, Entries: 4, Hits: 3, Misses: 1} }); err != nil {
		t.Fatalf("watch signature caches: %v", err)
	}
	tm.RunIndexEntries.Set(3)
	tm.ActiveRuns.Set(1)

	srv := httptest.NewServer(tm.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatalf("scrape: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape: %d %v", resp.StatusCode, err)
	}
	names := map[string]bool{}
	for _, line := range strings.Split(string(body), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if i := strings.IndexAny(line, "{ "); i > 0 {
			names[line[:i]] = true
		}
	}
	for _, want := range []string{"feedbackpipe_phase_activity_duration_seconds_count", "feedbackpipe_items_failed_total", "temporal_request", "temporal_workflow_completed"} {
		if !names[want] {
			t.Errorf("/metrics lacks %s after the exercise", want)
		}
	}
	return names
}

// exerciseSDK runs one workflow with one activity on the dev server through a client and a
// worker that record into tm, as the worker does, with the phase activities' interceptor.
func exerciseSDK(t *testing.T, tm *telemetry.Metrics) {
	t.Helper()
	plain := testenv.Temporal(t) // registers the test namespace; skips or fails without services
	queue := testenv.TaskQueue(t, plain, "dashboard")
	c, err := client.Dial(client.Options{HostPort: testenv.TemporalAddress(), Namespace: testenv.Namespace(),
		MetricsHandler: tm.SDKHandler()})
	if err != nil {
		t.Fatalf("dial Temporal: %v", err)
	}
	defer c.Close()
	w := worker.New(c, queue, worker.Options{Interceptors: []interceptor.WorkerInterceptor{tm.ActivityInterceptor()}})
	w.RegisterWorkflowWithOptions(func(ctx workflow.Context) error {
		ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second})
		return workflow.ExecuteActivity(ctx, "EmbedThemes").Get(ctx, nil)
	}, workflow.RegisterOptions{Name: "DashboardCheck"})
	w.RegisterActivityWithOptions(func(context.Context) (activities.PhaseResult, error) {
		return activities.PhaseResult{Errors: []pipeline.ItemError{{Phase: "embedding", ID: "t1", Error: "empty_digest"}}}, nil
	}, activity.RegisterOptions{Name: "EmbedThemes"})
	if err := w.Start(); err != nil {
		t.Fatalf("start worker: %v", err)
	}
	defer w.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: queue}, "DashboardCheck")
	if err != nil {
		t.Fatalf("start workflow: %v", err)
	}
	if err := run.Get(ctx, nil); err != nil {
		t.Fatalf("workflow: %v", err)
	}
}
