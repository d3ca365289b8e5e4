package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"feedbackpipe/pipeline"
	"feedbackpipe/store"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Backlog is what the pages read from and write to the store.
type Backlog interface {
	Board(ctx context.Context, f store.BoardFilter) ([]store.BoardStory, error)
	BoardOrphans(ctx context.Context, f store.BoardFilter) ([]store.OrphanView, error)
	Areas(ctx context.Context) ([]string, error)
	Story(ctx context.Context, key string) (*store.StoryDetail, error)
	SetTriage(ctx context.Context, key, status, by string) error
}

// RunRow is one run of the run index with the counters Postgres holds.
type RunRow struct {
	pipeline.IndexEntry
	Counters pipeline.Counters
}

// Runs lists, starts and stops runs through the run index.
type Runs interface {
	// List returns the runs newest first, and a note when they come from Postgres because no
	// worker answered for the index.
	List(ctx context.Context) ([]RunRow, string, error)
	// Start admits a run over the last days days (at most max conversations, 0: all).
	Start(ctx context.Context, days, max int) (string, error)
	// Stop asks a run to stop.
	Stop(ctx context.Context, runID string) error
}

// Server is the web app; it holds no state of its own but its configuration and templates.
type Server struct {
	cfg     Config
	backlog Backlog
	runs    Runs
	log     *slog.Logger
	pages   map[string]*template.Template
	now     func() time.Time
}

// New builds the app's handler over the backlog and runs.
func New(cfg Config, backlog Backlog, runs Runs, log *slog.Logger) (*Server, error) {
	s := &Server{cfg: cfg, backlog: backlog, runs: runs, log: log, pages: map[string]*template.Template{}, now: time.Now}
	for _, page := range []string{"backlog", "story", "runs"} {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/"+page+".html")
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", page, err)
		}
		s.pages[page] = t
	}
	return s, nil
}

// Handler routes the pages and actions, behind authentication when configured.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFiles, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /{$}", s.backlogPage)
	mux.HandleFunc("GET /stories/{key}", s.storyPage)
	mux.HandleFunc("POST /stories/{key}/triage", s.post(s.setTriage))
	mux.HandleFunc("GET /runs", s.runsPage)
	mux.HandleFunc("POST /runs", s.post(s.startRun))
	mux.HandleFunc("POST /runs/{id}/stop", s.post(s.stopRun))
	return bounded(s.logged(securityHeaders(s.requireAuth(mux))), s.requestTimeout())
}

// DefaultRequestTimeout bounds what one request waits for: its reads and writes in Postgres, and
// the run index's answer for the runs page and actions. A wedged database answers a page with
// 503 after it, instead of holding the request (and a connection) until the browser gives up.
const DefaultRequestTimeout = 30 * time.Second

func (s *Server) requestTimeout() time.Duration {
	if s.cfg.RequestTimeout > 0 {
		return s.cfg.RequestTimeout
	}
	return DefaultRequestTimeout
}

// bounded gives each request's context the timeout d.
func bounded(next http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// post wraps a POST action with the CSRF check.
func (s *Server) post(fn http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if !csrfOK(r) {
			http.Error(w, "refused: missing or wrong CSRF token; reload the page and try again", http.StatusForbidden)
			return
		}
		fn(w, r)
	}
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

// logged logs each request by its route pattern and status, never its query or form (search
// text and story text stay out of logs).
func (s *Server) logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(sw, r)
		s.log.Info("http", "method", r.Method, "route", r.Pattern, "status", sw.code, "ms", time.Since(start).Milliseconds())
	})
}

// render executes a page; a failure is logged and answered 500.
func (s *Server) render(w http.ResponseWriter, r *http.Request, page string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := s.pages[page].Execute(w, data); err != nil {
		s.log.Error("render page", "page", page, "err", err)
	}
}

// fail answers an error: 404 for what does not exist, 500 (logged, not shown) otherwise.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrNotFound) {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	if errors.Is(err, context.DeadlineExceeded) && r.Context().Err() != nil {
		s.log.Error("request timed out", "route", r.Pattern, "timeout", s.requestTimeout(), "err", err)
		http.Error(w, fmt.Sprintf("no answer within %s (the database or Temporal is slow or unreachable); try again", s.requestTimeout()),
			http.StatusServiceUnavailable)
		return
	}
	s.log.Error("request failed", "route", r.Pattern, "err", err)
	http.Error(w, "internal error; see the server log", http.StatusInternalServerError)
}
