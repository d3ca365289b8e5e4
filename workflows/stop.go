package workflows

import (
	"go.temporal.io/sdk/workflow"

	"feedbackpipe/pipeline"
)

// listenForStop turns the `stop` signal, or a cancel requested from the UI, into a stop: the
// run becomes `stopping` and the running activity is cancelled through its heartbeat.
func (r *run) listenForStop(ctx workflow.Context) {
	stop := workflow.GetSignalChannelWithOptions(ctx, pipeline.SignalStop, workflow.SignalChannelOptions{
		Description: "Stop the run: it winds down within seconds, keeps what is stored, and ends stopped",
	})
	for {
		sel := workflow.NewSelector(ctx)
		sel.AddReceive(stop, func(c workflow.ReceiveChannel, _ bool) { c.Receive(ctx, nil) })
		sel.AddReceive(ctx.Done(), func(workflow.ReceiveChannel, bool) {})
		sel.Select(ctx)
		if !r.stopping && !r.finishing {
			r.stopping = true
			r.status.Status = pipeline.StatusStopping
			r.cancelWork()
			workflow.GetLogger(ctx).Info("stop requested", "phase", r.status.Phase)
			r.publish(ctx)
		}
		if ctx.Err() != nil {
			return // cancelled: nothing more will arrive
		}
	}
}

// stopped reports whether a stop was requested (by signal or cancellation).
func (r *run) stopped() bool {
	return r.stopping || r.ctx.Err() != nil
}
