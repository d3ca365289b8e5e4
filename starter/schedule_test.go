package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"feedbackpipe/pipeline"
	"feedbackpipe/store"
	"feedbackpipe/testenv"
)

func TestScheduleCommands(t *testing.T) {
	n := newNoWorker(t)
	name := testenv.UniqueName("nightly")
	t.Cleanup(func() { _ = n.tc.ScheduleClient().GetHandle(context.Background(), name).Delete(context.Background()) })
	mustCLI := func(args ...string) string {
		t.Helper()
		out, errOut, err := n.cli(args...)
		if err != nil {
			t.Fatalf("starter %s: %v (%s)", strings.Join(args, " "), err, errOut)
		}
		return out
	}
	if _, _, err := n.cli("schedule", "create", name, "--every", "1h", "--cron", "0 6 * * *"); err == nil {
		t.Fatal("--every with --cron is accepted")
	}
	if _, _, err := n.cli("schedule", "create", name, "--every", "1h", "--source", "zendesk"); err == nil {
		t.Fatal("an unknown --source is accepted")
	}
	mustCLI("schedule", "create", name, "--every", "24h", "--source", "intercom", "--days", "2", "--max-window", "72h", "--json")

	// Temporal lists schedules from its visibility store, which catches up
	// with a create within moments: poll, as a user running `list` again would.
	var list []scheduleView
	found := false
	for deadline := time.Now().Add(15 * time.Second); !found && time.Now().Before(deadline); {
		if err := json.Unmarshal([]byte(mustCLI("schedule", "list", "--json")), &list); err != nil {
			t.Fatal(err)
		}
		for _, v := range list {
			found = found || (v.Name == name && v.Spec == "every 24h0m0s" && !v.Paused)
		}
		if !found {
			time.Sleep(200 * time.Millisecond)
		}
	}
	if !found {
		t.Fatalf("schedule %s not listed within 15 s: %+v", name, list)
	}

	mustCLI("schedule", "pause", name)
	var desc scheduleView
	if err := json.Unmarshal([]byte(mustCLI("schedule", "describe", name, "--json")), &desc); err != nil {
		t.Fatal(err)
	}
	if !desc.Paused {
		t.Fatal("describe does not show the pause")
	}
	d, err := n.tc.ScheduleClient().GetHandle(context.Background(), name).Describe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	action, ok := d.Schedule.Action.(*client.ScheduleWorkflowAction)
	if !ok || action.Workflow != pipeline.ScheduledRunWorkflowName || len(action.Args) != 1 {
		t.Fatalf("action %#v", d.Schedule.Action)
	}
	var in pipeline.ScheduledRunInput
	if err := converter.GetDefaultDataConverter().FromPayload(action.Args[0].(*commonpb.Payload), &in); err != nil {
		t.Fatal(err)
	}
	if in.Schedule != name || in.Input.Source != pipeline.SourceIntercom || in.Input.Days != 2 || in.MaxWindowSeconds != 72*3600 || in.TaskQueue != n.queue {
		t.Fatalf("the schedule starts ScheduledRun with %+v", in)
	}
	mustCLI("schedule", "unpause", name, "--json")

	// A refusal recorded for a scheduled run shows in `list`.
	if err := n.st.RecordScheduleRun(context.Background(), store.ScheduleRun{Schedule: name, RunID: "pipeline-20261130-060000-abcd",
		WindowSince: time.Now().Add(-time.Hour), WindowUntil: time.Now(), Outcome: store.ScheduleRefused,
		Message: "refused: 1 run(s) active, at most 1 at a time: pipeline-x (running, extraction)"}); err != nil {
		t.Fatal(err)
	}
	var rows []listRow
	if err := json.Unmarshal([]byte(mustCLI("list", "--json")), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Status != statusRefused || rows[0].Schedule != name || !strings.Contains(rows[0].Refusal, "pipeline-x") {
		t.Fatalf("list: %+v", rows)
	}
	if out := mustCLI("schedule", "describe", name); !strings.Contains(out, "refused: 1 run(s) active") {
		t.Fatalf("describe does not show the refusal:\n%s", out)
	}

	mustCLI("schedule", "delete", name)
	if _, _, err := n.cli("schedule", "describe", name); err == nil {
		t.Fatal("a deleted schedule is still described")
	}
}
