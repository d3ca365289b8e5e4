package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"feedbackpipe/pipeline"
)

func TestExpIndexCancel(t *testing.T) {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(RunIndex, workflow.RegisterOptions{Name: pipeline.IndexWorkflowName})
	env.RegisterWorkflowWithOptions(PipelineRun, workflow.RegisterOptions{Name: pipeline.WorkflowName})
	env.OnWorkflow(pipeline.WorkflowName, mock.Anything, mock.Anything).Return(pipeline.Status{}, nil)
	env.OnActivity(acts.ReconcileRuns, mock.Anything, mock.Anything).Return(nil, nil)
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(pipeline.UpdateAdmit, "", &testsuite.TestUpdateCallback{
			OnAccept: func() { t.Log("accept") }, OnReject: func(err error) { t.Log("reject", err) },
			OnComplete: func(r any, err error) { t.Log("complete", r, err) },
		}, pipeline.AdmitRequest{RunID: "r1"})
	}, time.Second)
	env.RegisterDelayedCallback(func() { env.CancelWorkflow() }, 2*time.Minute)
	env.ExecuteWorkflow(pipeline.IndexWorkflowName, pipeline.IndexState{})
	t.Log(env.IsWorkflowCompleted(), env.GetWorkflowError())
}
