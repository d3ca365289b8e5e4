package config

import (
	"context"
	"errors"
	"log/slog"

	"go.temporal.io/api/serviceerror"
)

// heartbeatRaceMessage is the SDK's warning for a heartbeat whose call failed.
const heartbeatRaceMessage = "RecordActivityHeartbeat with error"

// sdkLogHandler hands the Temporal SDK's log records on, but lowers to Debug its warning that a
// heartbeat's call was canceled. A long activity heartbeats from a goroutine of its own (its
// work never waits for the server), so a heartbeat still in flight when the activity ends, or is
// stopped, is canceled with it: a few times in every run, and never a sign of trouble. A
// heartbeat that fails for any other reason (the server unreachable, a timeout) stays a warning.
type sdkLogHandler struct{ slog.Handler }

func (h sdkLogHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level != slog.LevelWarn || r.Message != heartbeatRaceMessage || !canceledHeartbeat(r) {
		return h.Handler.Handle(ctx, r)
	}
	if !h.Handler.Enabled(ctx, slog.LevelDebug) {
		return nil
	}
	debug := slog.NewRecord(r.Time, slog.LevelDebug, r.Message, r.PC)
	r.Attrs(func(a slog.Attr) bool { debug.AddAttrs(a); return true })
	return h.Handler.Handle(ctx, debug)
}

func (h sdkLogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return sdkLogHandler{h.Handler.WithAttrs(attrs)}
}

func (h sdkLogHandler) WithGroup(name string) slog.Handler {
	return sdkLogHandler{h.Handler.WithGroup(name)}
}

// canceledHeartbeat reports whether the record's error is a cancellation: the context's own, or
// the gRPC call's (which the SDK hands on as a *serviceerror.Canceled).
func canceledHeartbeat(r slog.Record) bool {
	canceled := false
	r.Attrs(func(a slog.Attr) bool {
		err, ok := a.Value.Any().(error)
		var grpcCanceled *serviceerror.Canceled
		if ok && (errors.Is(err, context.Canceled) || errors.As(err, &grpcCanceled)) {
			canceled = true
			return false
		}
		return true
	})
	return canceled
}
