package workflows

import (
	"errors"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"feedbackpipe/pipeline"
)

// appendBounded adds more to the run's reported item errors, up to pipeline.MaxReportedErrors.
func appendBounded(list, more []pipeline.ItemError) []pipeline.ItemError {
	for _, e := range more {
		if len(list) >= pipeline.MaxReportedErrors {
			break
		}
		list = append(list, e)
	}
	return list
}

// isCancel reports whether err is a cancellation (a stop, or a cancel from the UI).
func isCancel(err error) bool {
	var canceled *temporal.CanceledError
	return errors.As(err, &canceled) || errors.Is(err, workflow.ErrCanceled)
}

// rootMessage is the innermost application error's message: what the operator must read.
func rootMessage(err error) string {
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		return app.Message()
	}
	return err.Error()
}
