package localmodel

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
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

	inputs    []*inputFault // under mu
	hasInputs atomic.Bool   // len(inputs) > 0, read without the lock on every request
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

// Faults injected for chosen inputs (InjectForInputs), never drawn at random: a refused input
// fails for its own reason whatever the seed, and an outage can hit chosen items only.
const (
	FaultContextLength FaultKind = "context_length_exceeded" // 400, code context_length_exceeded
	FaultContentFilter FaultKind = "content_filter"          // 400, code content_policy_violation
	FaultUnavailable   FaultKind = "unavailable"             // 503, a transient outage
)

// InputFault makes the model answer Kind to every request whose body contains Marker (a chat
// request whose conversation holds it, or an embeddings request one of whose inputs does), for
// the first Times such requests (0: every one). Input faults are not counted in Stats.Faults.
type InputFault struct {
	Marker string
	Kind   FaultKind
	Times  int
}

// inputFault is an InputFault and how many requests it has answered.
type inputFault struct {
	InputFault
	hits int
}

// InjectForInputs replaces the input faults; called without arguments, it heals the model.
func (s *Server) InjectForInputs(faults ...InputFault) {
	d := s.dice
	d.mu.Lock()
	defer d.mu.Unlock()
	d.inputs = d.inputs[:0]
	for _, f := range faults {
		if f.Marker != "" {
			d.inputs = append(d.inputs, &inputFault{InputFault: f})
		}
	}
	d.hasInputs.Store(len(d.inputs) > 0)
}

// matchInput returns the input fault a request body triggers, counting the hit.
func (d *faultDice) matchInput(body []byte) (FaultKind, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, f := range d.inputs {
		if (f.Times == 0 || f.hits < f.Times) && bytes.Contains(body, []byte(f.Marker)) {
			f.hits++
			return f.Kind, true
		}
	}
	return "", false
}

// injectInputFault answers the request with its input fault, if one applies; it reads nothing
// when no input fault is set, and otherwise leaves the body for the handler to read again.
func (s *Server) injectInputFault(w http.ResponseWriter, r *http.Request) (handled bool) {
	if !s.dice.hasInputs.Load() || r.Method != http.MethodPost || r.Body == nil {
		return false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return false
	}
	kind, ok := s.dice.matchInput(body)
	if !ok {
		return false
	}
	switch r.URL.Path {
	case "/v1/chat/completions":
		s.counts.chat.Add(1)
	case "/v1/embeddings":
		s.counts.embeddings.Add(1)
	}
	s.log.DebugContext(r.Context(), "local model injected input fault", "kind", string(kind), "path", r.URL.Path)
	switch kind {
	case FaultContextLength:
		writeParamError(w, http.StatusBadRequest, "messages", "context_length_exceeded",
			"This model's maximum context length was exceeded (injected fault).")
	case FaultContentFilter:
		writeParamError(w, http.StatusBadRequest, "", "content_policy_violation",
			"Your request was rejected as a result of the safety system (injected fault).")
	case FaultUnavailable:
		w.Header().Set("Retry-After", "0")
		writeError(w, http.StatusServiceUnavailable, "server_error", "", "The server is overloaded (injected fault).")
	default:
		return false
	}
	return true
}

// writeParamError answers an OpenAI invalid_request_error with its param and code.
func writeParamError(w http.ResponseWriter, status int, param, code, message string) {
	e := apiError{Message: message, Type: "invalid_request_error", Code: &code}
	if param != "" {
		e.Param = &param
	}
	writeJSON(w, status, map[string]apiError{"error": e})
}
