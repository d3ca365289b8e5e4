package localmodel

import (
	"bytes"
	"net/http"
	"time"
)

// answerAfterLatency makes the configured latency the whole time a request takes, the model's own
// work included, as an API's latency is: the handler writes to the returned writer, and send
// (deferred by the handler) waits until the latency has passed since the request arrived, then
// sends what was written. A client that gave up meanwhile gets nothing. So a benchmark's ideal
// N·L/C is what a remote API answering in L would allow, however busy this machine is, as long as
// the model's work takes less than L. Without a latency the handler writes straight through.
func (s *Server) answerAfterLatency(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, func()) {
	if s.cfg.Latency <= 0 {
		return w, func() {}
	}
	due := time.Now().Add(s.cfg.Latency)
	buf := &bufferedResponse{header: http.Header{}}
	return buf, func() {
		timer := time.NewTimer(time.Until(due))
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-r.Context().Done():
			return
		}
		buf.sendTo(w)
	}
}

// bufferedResponse holds a response until it is sent.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	b.WriteHeader(http.StatusOK)
	return b.body.Write(p)
}

func (b *bufferedResponse) sendTo(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	if b.status == 0 { // the handler wrote nothing
		return
	}
	w.WriteHeader(b.status)
	_, _ = w.Write(b.body.Bytes())
}
