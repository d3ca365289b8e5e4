package localmodel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Model ids listed by GET /v1/models. Requests may name any model; it is echoed back.
const (
	ChatModelID      = "local-theme-model"
	EmbeddingModelID = "local-embedding-model"
)

// Server is the local model. It implements http.Handler.
type Server struct {
	cfg    Config
	log    *slog.Logger
	dice   *faultDice
	counts counters
	calls  callLog
	ids    atomic.Uint64 // completion ids
	// schemas are the response schemas of chat requests, parsed once each.
	schemas schemaCache
	mux     *http.ServeMux
}

// New creates the local model; a nil logger discards logs.
func New(cfg Config, logger *slog.Logger) *Server {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.withDefaults()
	s := &Server{cfg: cfg, log: logger, dice: newFaultDice(cfg.FaultRate, cfg.Seed), mux: http.NewServeMux()}
	s.mux.HandleFunc("/v1/chat/completions", s.only(http.MethodPost, s.handleChat))
	s.mux.HandleFunc("/v1/embeddings", s.only(http.MethodPost, s.handleEmbeddings))
	s.mux.HandleFunc("/v1/models", s.only(http.MethodGet, s.handleModels))
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "invalid_request_error", "unknown_url",
			fmt.Sprintf("unknown endpoint %s %s", r.Method, r.URL.Path))
	})
	return s
}

// ServeHTTP serves the OpenAI-compatible endpoints.
// Every answer, an error included, leaves Latency after its request arrived: the model works out
// the answer at once and holds it for the rest of the latency, as an API whose latency includes
// its own work (so the latency does not grow with this machine's load).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Latency > 0 {
		w = &heldWriter{ResponseWriter: w, until: time.Now().Add(s.cfg.Latency), done: r.Context().Done()}
	}
	if s.injectInputFault(w, r) {
		return
	}
	s.mux.ServeHTTP(w, r)
}

// Stats returns the counts so far.
func (s *Server) Stats() Stats { return s.counts.snapshot() }

// Start listens on addr (e.g. "127.0.0.1:0") and serves in the background. baseURL is the
// OpenAI base URL, "http://host:port/v1". stop shuts the server down gracefully; requests hanging
// in an injected timeout are answered at once.
func (s *Server) Start(addr string) (baseURL string, stop func(context.Context) error, err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("local model: listen on %s: %w", addr, err)
	}
	halt := make(chan struct{})
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context {
			return context.WithValue(context.Background(), stoppingKey{}, halt)
		},
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("local model stopped serving", "error", err)
		}
	}()
	var once sync.Once
	stop = func(ctx context.Context) error {
		once.Do(func() { close(halt) })
		return srv.Shutdown(ctx)
	}
	return "http://" + ln.Addr().String() + "/v1", stop, nil
}

// stoppingKey carries, in a request's context, the channel closed when Start's stop is called.
type stoppingKey struct{}

// stopping returns the channel closed when the server stops (nil, never ready, under httptest).
func stopping(ctx context.Context) <-chan struct{} {
	ch, _ := ctx.Value(stoppingKey{}).(chan struct{})
	return ch
}

// only restricts a handler to one method.
func (s *Server) only(method string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != method {
			w.Header().Set("Allow", method)
			writeError(w, http.StatusMethodNotAllowed, "invalid_request_error", "method_not_allowed",
				fmt.Sprintf("%s %s is not supported; use %s", r.Method, r.URL.Path, method))
			return
		}
		h(w, r)
	}
}

// heldWriter holds a response until its time: the first header or body write waits until
// until, or until the client gave up (the write then fails, as it would anyway).
type heldWriter struct {
	http.ResponseWriter
	until time.Time
	done  <-chan struct{}
	held  bool
}

func (w *heldWriter) hold() {
	if w.held {
		return
	}
	w.held = true
	timer := time.NewTimer(time.Until(w.until))
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-w.done:
	}
}

func (w *heldWriter) WriteHeader(code int) {
	w.hold()
	w.ResponseWriter.WriteHeader(code)
}

func (w *heldWriter) Write(b []byte) (int, error) {
	w.hold()
	return w.ResponseWriter.Write(b)
}

// handleModels lists the model ids.
func (s *Server) handleModels(w http.ResponseWriter, r *http.Request) {
	type model struct {
		ID      string `json:"id"`
		Object  string `json:"object"`
		Created int64  `json:"created"`
		OwnedBy string `json:"owned_by"`
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"object": "list",
		"data": []model{
			{ID: ChatModelID, Object: "model", OwnedBy: "feedbackpipe"},
			{ID: EmbeddingModelID, Object: "model", OwnedBy: "feedbackpipe"},
		},
	})
}
