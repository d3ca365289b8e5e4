package telemetry

import (
	"context"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/interceptor"

	"feedbackpipe/activities"
	"feedbackpipe/pipeline"
)

// phaseOf names the phase each phase activity works for; other activities are not timed.
var phaseOf = map[string]string{
	"ExtractBatch":           "extraction",
	"RetryFailedExtractions": "extraction",
	"EmbedThemes":            "embedding",
	"BuildStories":           "stories",
	"BuildPreview":           "stories",
}

// ActivityInterceptor times the phase activities (feedbackpipe_phase_activity_duration_seconds)
// and counts the item failures their results report by reason code
// (feedbackpipe_items_failed_total). Put it before activities.HistorySafe, so it sees the codes
// that reach history, never customer or model text.
func (m *Metrics) ActivityInterceptor() interceptor.WorkerInterceptor { return &activityMetrics{m: m} }

type activityMetrics struct {
	interceptor.WorkerInterceptorBase
	m *Metrics
}

func (w *activityMetrics) InterceptActivity(_ context.Context, next interceptor.ActivityInboundInterceptor) interceptor.ActivityInboundInterceptor {
	return &activityInbound{ActivityInboundInterceptorBase: interceptor.ActivityInboundInterceptorBase{Next: next}, m: w.m}
}

type activityInbound struct {
	interceptor.ActivityInboundInterceptorBase
	m *Metrics
}

func (a *activityInbound) ExecuteActivity(ctx context.Context, in *interceptor.ExecuteActivityInput) (any, error) {
	name := activity.GetInfo(ctx).ActivityType.Name
	phase, timed := phaseOf[name]
	began := time.Now()
	res, err := a.Next.ExecuteActivity(ctx, in)
	if timed {
		a.m.phaseDuration.WithLabelValues(phase, name).Observe(time.Since(began).Seconds())
	}
	if err == nil {
		for _, e := range errorsOf(res) {
			a.m.ItemFailed(e.Phase, Reason(e.Error))
		}
	}
	return res, err
}

// ItemFailed counts one failed item of phase for reason.
func (m *Metrics) ItemFailed(phase, reason string) {
	if phase == "" {
		phase = "unknown"
	}
	m.itemsFailed.WithLabelValues(phase, reason).Inc()
}

// Reason is the code an item error starts with (`low_quality: 0.20 < 0.30` gives low_quality),
// bounded so a label never carries free text.
func Reason(msg string) string {
	code, _, _ := strings.Cut(msg, ":")
	code = strings.TrimSpace(code)
	if code == "" || len(code) > 40 || strings.ContainsAny(code, " \t\n\"'") {
		return "other"
	}
	return code
}

// errorsOf returns the item errors of a phase activity's result.
func errorsOf(res any) []pipeline.ItemError {
	switch r := res.(type) {
	case activities.BatchResult:
		return r.Errors
	case activities.PhaseResult:
		return r.Errors
	}
	return nil
}
