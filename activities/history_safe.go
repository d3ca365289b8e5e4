package activities

import (
	"context"
	"errors"

	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"

	"feedbackpipe/errcode"
)

// HistorySafe is the worker interceptor that keeps customer and model text out of Temporal
// history, which anyone with UI access reads: what an activity returns is recorded there (its
// result, and its error's message and causes), so item errors and warnings leave as codes with
// their IDs (errcode), and an error that may quote an API's answer, the model or a row leaves as
// its code, keeping its type and whether it may be retried. The full text stays in Postgres and
// the worker's log.
func HistorySafe() interceptor.WorkerInterceptor { return &historySafe{} }

type historySafe struct {
	interceptor.WorkerInterceptorBase
}

func (*historySafe) InterceptActivity(_ context.Context, next interceptor.ActivityInboundInterceptor) interceptor.ActivityInboundInterceptor {
	return &historySafeActivity{ActivityInboundInterceptorBase: interceptor.ActivityInboundInterceptorBase{Next: next}}
}

type historySafeActivity struct {
	interceptor.ActivityInboundInterceptorBase
}

func (a *historySafeActivity) ExecuteActivity(ctx context.Context, in *interceptor.ExecuteActivityInput) (any, error) {
	res, err := a.Next.ExecuteActivity(ctx, in)
	if r, ok := res.(forHistory); ok {
		res = r.forHistory()
	}
	return res, historySafeError(err)
}

// forHistory is implemented by activity results that carry item errors or warnings.
type forHistory interface{ forHistory() any }

func (r BatchResult) forHistory() any {
	r.Errors = errcode.Items(r.Errors)
	return r
}

func (r PhaseResult) forHistory() any {
	r.Errors = errcode.Items(r.Errors)
	return r
}

func (r FinishResult) forHistory() any {
	r.Errors, r.Warnings = errcode.Items(r.Errors), errcode.Warnings(r.Warnings)
	return r
}

// historySafeError replaces an error that may quote an API, the model or a row by one that says
// only its code; cancellations and the pipeline's own errors (IDs and its own words) pass.
func historySafeError(err error) error {
	if err == nil || errors.Is(err, context.Canceled) || temporal.IsCanceledError(err) || !errcode.Carries(err) {
		return err
	}
	opts := temporal.ApplicationErrorOptions{}
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		opts.NonRetryable = app.NonRetryable()
		return temporal.NewApplicationErrorWithOptions(errcode.Of(err), app.Type(), opts)
	}
	return temporal.NewApplicationErrorWithOptions(errcode.Of(err), "", opts)
}
