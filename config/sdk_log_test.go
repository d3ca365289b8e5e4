package config

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"go.temporal.io/api/serviceerror"
	tlog "go.temporal.io/sdk/log"
)

// A heartbeat canceled with its activity is logged at Debug, not as a warning; a heartbeat that
// failed for another reason, and every other warning, stay warnings.
func TestCanceledHeartbeatsAreNoWarning(t *testing.T) {
	var warn, debug bytes.Buffer
	sdk := func(buf *bytes.Buffer, level slog.Level) tlog.Logger {
		h := slog.NewTextHandler(buf, &slog.HandlerOptions{Level: level})
		return tlog.NewStructuredLogger(slog.New(sdkLogHandler{h}).With("component", "temporal"))
	}
	for _, l := range []tlog.Logger{sdk(&warn, slog.LevelWarn), sdk(&debug, slog.LevelDebug)} {
		l.Warn(heartbeatRaceMessage, "ActivityType", "ExtractBatch", "Error", context.Canceled)
		l.Warn(heartbeatRaceMessage, "ActivityType", "EmbedThemes", "Error", serviceerror.NewCanceled("context canceled"))
		l.Warn(heartbeatRaceMessage, "ActivityType", "ExtractBatch", "Error", errors.New("connection refused"))
		l.Warn("Failed to poll for task.", "Error", context.Canceled)
	}
	if n := strings.Count(warn.String(), "level=WARN"); n != 2 {
		t.Errorf("%d warnings, want the failed heartbeat's and the poll's alone:\n%s", n, warn.String())
	}
	for _, want := range []string{`level=WARN msg="RecordActivityHeartbeat with error" component=temporal ActivityType=ExtractBatch Error="connection refused"`,
		`level=WARN msg="Failed to poll for task." component=temporal Error="context canceled"`} {
		if !strings.Contains(warn.String(), want) {
			t.Errorf("missing warning %s in:\n%s", want, warn.String())
		}
	}
	for _, want := range []string{`level=DEBUG msg="RecordActivityHeartbeat with error" component=temporal ActivityType=ExtractBatch Error="context canceled"`,
		`level=DEBUG msg="RecordActivityHeartbeat with error" component=temporal ActivityType=EmbedThemes Error="context canceled"`} {
		if !strings.Contains(debug.String(), want) {
			t.Errorf("the canceled heartbeat is not at Debug (%s) in:\n%s", want, debug.String())
		}
	}
}
