package localmodel

import (
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// FaultKind names an injected fault.
type FaultKind string

// The faults the local model injects, chosen uniformly.
const (
	FaultRateLimit       FaultKind = "rate_limit"       // 429 with Retry-After: 1
	FaultServerError     FaultKind = "server_error"     // 500
	FaultTimeout         FaultKind = "timeout"          // hang, then 504
	FaultMalformedJSON   FaultKind = "malformed_json"   // chat: 200 with content that is not JSON; embeddings: 500
	FaultSchemaViolation FaultKind = "schema_violation" // chat: 200 with JSON that breaks the schema; embeddings: 500
	numFaultKinds                  = 5
)

// FaultKinds lists every fault kind, in a fixed order.
func FaultKinds() []FaultKind {
	return []FaultKind{FaultRateLimit, FaultServerError, FaultTimeout, FaultMalformedJSON, FaultSchemaViolation}
}

// faultDice decides, request by request, whether and which fault to inject. The sequence of
// decisions depends only on the seed and the order of requests.
type faultDice struct {
	rate float64
	mu   sync.Mutex
	rng  *rand.Rand
}

func newFaultDice(rate float64, seed uint64) *faultDice {
	return &faultDice{rate: rate, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// roll returns the fault to inject and its index in FaultKinds, or ok=false for none.
func (d *faultDice) roll() (kind FaultKind, index int, ok bool) {
	if d.rate <= 0 {
		return "", 0, false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.rng.Float64() >= d.rate {
		return "", 0, false
	}
	index = d.rng.IntN(numFaultKinds)
	return FaultKinds()[index], index, true
}

// injectFault draws a fault for the request. When it is one the endpoint answers the same way
// (rate limit, server error, timeout, or any kind on the embeddings endpoint), it writes the
// answer and returns handled=true; malformed_json and schema_violation on chat are returned for
// the chat handler to apply to its answer.
func (s *Server) injectFault(w http.ResponseWriter, r *http.Request, endpoint string, chat bool) (kind FaultKind, handled bool) {
	kind, index, ok := s.dice.roll()
	if !ok {
		return "", false
	}
	s.counts.faults[index].Add(1)
	s.log.DebugContext(r.Context(), "local model injected fault", "kind", string(kind), "endpoint", endpoint)
	switch kind {
	case FaultRateLimit:
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusTooManyRequests, "requests", "rate_limit_exceeded",
			"Rate limit reached for the local model (injected fault). Please try again in 1s.")
	case FaultTimeout:
		s.hang(w, r)
	case FaultServerError:
		writeError(w, http.StatusInternalServerError, "server_error", "",
			"The server had an error while processing your request (injected fault).")
	default:
		if chat {
			return kind, false
		}
		writeError(w, http.StatusInternalServerError, "server_error", "",
			"The server had an error while processing your request (injected "+string(kind)+" fault).")
	}
	return kind, true
}

// hang waits TimeoutHang, then answers 504; it returns at once without answering when the client
// gives up, and answers early when the server stops.
func (s *Server) hang(w http.ResponseWriter, r *http.Request) {
	timer := time.NewTimer(s.cfg.TimeoutHang)
	defer timer.Stop()
	select {
	case <-r.Context().Done():
		return
	case <-stopping(r.Context()):
	case <-timer.C:
	}
	writeError(w, http.StatusGatewayTimeout, "timeout", "timeout", "The local model timed out (injected fault).")
}
