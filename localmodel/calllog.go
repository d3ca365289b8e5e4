package localmodel

import (
	"sync"
	"time"
)

// CallSpan is one chat request as the model saw it: when it arrived and when its answer left.
type CallSpan struct {
	Arrived, Left time.Time
}

// callLog keeps the span of every chat request when Config.RecordCalls is set (a benchmark
// accounts for the run's call slots with it); 32 bytes a call.
type callLog struct {
	mu    sync.Mutex
	spans []CallSpan
}

func (l *callLog) add(s CallSpan) {
	l.mu.Lock()
	l.spans = append(l.spans, s)
	l.mu.Unlock()
}

// ChatCalls returns the spans of the chat requests answered so far, in the order they ended;
// none unless Config.RecordCalls is set.
func (s *Server) ChatCalls() []CallSpan {
	s.calls.mu.Lock()
	defer s.calls.mu.Unlock()
	return append([]CallSpan(nil), s.calls.spans...)
}
