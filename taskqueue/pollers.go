// Package taskqueue tells who polls a task queue: the workers' last polls, and whether one is up
// to take a run.
package taskqueue

import (
	"context"
	"fmt"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
)

// PollerWindow is how recently a worker must have polled a task queue to count as possibly
// alive. The server records a poller when its long poll starts and an idle worker's poll lasts
// up to a minute, so a live idle worker may show a last poll nearly a minute old; a worker
// that stopped shows its last poll as long; the starter therefore also asks the run index,
// which a live worker answers at once.
const PollerWindow = 75 * time.Second

// StartWorkerHint tells people how to get a worker polling.
const StartWorkerHint = "start one with `bin/worker &` (after `make build`), or run `make demo`"

// NoWorkerError says that no worker polls a task queue's workflow or activity tasks.
type NoWorkerError struct {
	TaskQueue string
	// Missing names the task types nobody polls: "workflow", "activity" or both.
	Missing []string
}

func (e *NoWorkerError) Error() string {
	return fmt.Sprintf("no worker is polling task queue %s (no %s task poller in the last %s)",
		e.TaskQueue, strings.Join(e.Missing, " or "), PollerWindow)
}

// Pollers is what the server knows of a task queue's workers.
type Pollers struct {
	// LastPoll is the latest poll seen for each task type ("workflow", "activity"); zero when none.
	LastPoll map[string]time.Time
}

// Newest is the latest poll of either type.
func (p Pollers) Newest() time.Time {
	var t time.Time
	for _, at := range p.LastPoll {
		if at.After(t) {
			t = at
		}
	}
	return t
}

// taskTypes are the task types a worker polls, by the names messages use.
var taskTypes = map[string]enumspb.TaskQueueType{
	"workflow": enumspb.TASK_QUEUE_TYPE_WORKFLOW,
	"activity": enumspb.TASK_QUEUE_TYPE_ACTIVITY,
}

// DescribePollers asks Temporal which workers recently polled the task queue, for the given task
// types ("workflow", "activity"; both when none is given).
func DescribePollers(ctx context.Context, tc client.Client, taskQueue string, kinds ...string) (Pollers, error) {
	if len(kinds) == 0 {
		kinds = []string{"workflow", "activity"}
	}
	p := Pollers{LastPoll: map[string]time.Time{}}
	for _, kind := range kinds {
		resp, err := tc.DescribeTaskQueue(ctx, taskQueue, taskTypes[kind])
		if err != nil {
			return p, fmt.Errorf("describe task queue %s (%s): %w", taskQueue, kind, err)
		}
		var last time.Time
		for _, poller := range resp.GetPollers() {
			if at := poller.GetLastAccessTime().AsTime(); at.After(last) {
				last = at
			}
		}
		p.LastPoll[kind] = last
	}
	return p, nil
}

// CheckWorkers returns a *NoWorkerError when no worker polled the task queue's workflow tasks or
// its activity tasks within PollerWindow of now (a run needs both), or the error of asking.
func CheckWorkers(ctx context.Context, tc client.Client, taskQueue string, now time.Time) (Pollers, error) {
	p, err := DescribePollers(ctx, tc, taskQueue)
	if err != nil {
		return p, err
	}
	var missing []string
	for _, kind := range []string{"workflow", "activity"} {
		if now.Sub(p.LastPoll[kind]) > PollerWindow {
			missing = append(missing, kind)
		}
	}
	if len(missing) > 0 {
		return p, &NoWorkerError{TaskQueue: taskQueue, Missing: missing}
	}
	return p, nil
}
