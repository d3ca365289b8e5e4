package testenv

import (
	"context"
	"errors"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
)

// A workflow a test leaves running on its task queue is terminated when the test ends, and it
// lives in the test namespace, never in the namespace users run in.
func TestTaskQueueIsSweptWhenTheTestEnds(t *testing.T) {
	tc := Temporal(t)
	ctx := context.Background()
	var id string
	t.Run("leaves a workflow running", func(t *testing.T) {
		queue := TaskQueue(t, tc, "sweep")
		// No worker polls the queue: the workflow stays running until swept.
		run, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: UniqueName("left-running"), TaskQueue: queue}, "NoWorkerRunsThis")
		if err != nil {
			t.Fatal(err)
		}
		id = run.GetID()
	})
	desc, err := tc.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		t.Fatal(err)
	}
	if st := desc.GetWorkflowExecutionInfo().GetStatus(); st != enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED {
		t.Errorf("workflow %s is %v after its test ended, want terminated", id, st)
	}
	_, err = tc.WorkflowService().DescribeWorkflowExecution(ctx, &workflowservice.DescribeWorkflowExecutionRequest{
		Namespace: "default", Execution: &commonpb.WorkflowExecution{WorkflowId: id},
	})
	var nf *serviceerror.NotFound
	if !errors.As(err, &nf) {
		t.Errorf("workflow %s found in namespace default (err %v): tests must run in %s", id, err, Namespace())
	}
}

// EnsureNamespace can be called again (and by concurrent test processes) without error.
func TestEnsureNamespaceIsIdempotent(t *testing.T) {
	tc := Temporal(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := EnsureNamespace(ctx, tc, Namespace()); err != nil {
		t.Fatal(err)
	}
}
