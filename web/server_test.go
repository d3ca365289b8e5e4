package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"feedbackpipe/pipeline"
	"feedbackpipe/store"
)

const hostile = `<script>alert(1)</script>`

var seen = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// fakeBacklog holds one story and one orphan, with hostile text everywhere customers write.
type fakeBacklog struct {
	mu       sync.Mutex
	triage   map[string]store.Triage
	filters  []store.BoardFilter
	failNext error
	hang     bool // Board waits for its context to end, as a query on a wedged database does
}

func newFakeBacklog() *fakeBacklog {
	return &fakeBacklog{triage: map[string]store.Triage{"sync_fails": {Status: store.TriageNew}}}
}

func (f *fakeBacklog) Board(ctx context.Context, flt store.BoardFilter) ([]store.BoardStory, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.filters = append(f.filters, flt)
	if f.hang {
		f.mu.Unlock()
		<-ctx.Done()
		f.mu.Lock()
		return nil, fmt.Errorf("read the board: %w", ctx.Err())
	}
	if f.failNext != nil {
		return nil, f.failNext
	}
	return []store.BoardStory{{Key: "sync_fails", Title: "Sync fails " + hostile, Signature: "sync_fails", ProductArea: "sync",
		ConversationCount: 4, FirstSeen: seen, LastSeen: seen, Triage: f.triage["sync_fails"], Trend: []int{3, 4}, Growth: 1}}, nil
}

func (f *fakeBacklog) BoardOrphans(context.Context, store.BoardFilter) ([]store.OrphanView, error) {
	return []store.OrphanView{{Key: "lonely", Title: "Lonely " + hostile, Signature: "lonely", ProductArea: "sync",
		FirstSeen: seen, LastSeen: seen, ConversationIDs: []string{"c9"}}}, nil
}

func (f *fakeBacklog) Areas(context.Context) ([]string, error) {
	return []string{"sync", `billing"><b>`}, nil
}

func (f *fakeBacklog) Story(_ context.Context, key string) (*store.StoryDetail, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if key != "sync_fails" {
		return nil, store.ErrNotFound
	}
	return &store.StoryDetail{Key: key, Title: "Sync fails " + hostile, Description: "It breaks " + hostile,
		UserStory: "As a user " + hostile, AcceptanceCriteria: []string{"criterion " + hostile},
		Signature: "sync_fails", ProductArea: "sync", ConversationCount: 3, FirstSeen: seen, LastSeen: seen,
		Triage: f.triage[key], Aliases: []string{"sync_broken"},
		Members: []store.StoryMember{
			{ConversationID: "c1", Subject: "Help " + hostile, CreatedAt: seen, SourceURL: "javascript:alert(document.cookie)", Excerpt: "excerpt " + hostile},
			{ConversationID: "c2", Subject: "Sync", CreatedAt: seen, SourceURL: "https://support.example.com/conv/2?x=1&y=2", Excerpt: "it fails"},
			{ConversationID: "c3", Subject: "Sync", CreatedAt: seen, SourceURL: "data:text/html,<script>alert(1)</script>"},
		},
		Moves: []store.MoveView{{RunID: "r2", ConversationID: "c3", FromKind: "orphan", FromKey: "sync_slow", ToKind: "story", ToKey: key, MovedAt: seen}},
	}, nil
}

func (f *fakeBacklog) SetTriage(_ context.Context, key, status, by string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.triage[key]; !ok {
		return store.ErrNotFound
	}
	f.triage[key] = store.Triage{Status: status, SetBy: by, SetAt: seen}
	return nil
}

type fakeRuns struct {
	mu      sync.Mutex
	started []int
	stopped []string
	refuse  error
}

func (f *fakeRuns) List(context.Context) ([]RunRow, string, error) {
	return []RunRow{
		{IndexEntry: pipeline.IndexEntry{RunID: "pipeline-2", Status: "running", Phase: "extraction", StartedAt: seen},
			Counters: pipeline.Counters{ConversationsSelected: 10, ThemesExtracted: 5}},
		{IndexEntry: pipeline.IndexEntry{RunID: "pipeline-1", Status: "completed", Phase: "completed", StartedAt: seen}},
	}, "", nil
}

func (f *fakeRuns) Start(_ context.Context, days, _ int) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.refuse != nil {
		return "", f.refuse
	}
	f.started = append(f.started, days)
	return "pipeline-3", nil
}

func (f *fakeRuns) Stop(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if id != "pipeline-2" {
		return store.ErrNotFound
	}
	f.stopped = append(f.stopped, id)
	return nil
}

type harness struct {
	srv     *httptest.Server
	backlog *fakeBacklog
	runs    *fakeRuns
	logs    *bytes.Buffer
	client  *http.Client
}

func newHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	h := &harness{backlog: newFakeBacklog(), runs: &fakeRuns{}, logs: &bytes.Buffer{}}
	if cfg.UIURL == "" {
		cfg.UIURL, cfg.Namespace = "http://temporal-ui.example", "default"
	}
	var mu sync.Mutex
	log := slog.New(slog.NewTextHandler(lockedWriter{&mu, h.logs}, nil))
	s, err := New(cfg, h.backlog, h.runs, log)
	require.NoError(t, err)
	h.srv = httptest.NewServer(s.Handler())
	t.Cleanup(h.srv.Close)
	jar := newJar(t)
	h.client = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return h
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (h *harness) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := h.client.Get(h.srv.URL + path)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func (h *harness) post(t *testing.T, path string, form url.Values) *http.Response {
	t.Helper()
	resp, err := h.client.PostForm(h.srv.URL+path, form)
	require.NoError(t, err)
	resp.Body.Close()
	return resp
}

// csrf loads a page so the jar holds the CSRF cookie, and returns its value.
func (h *harness) csrf(t *testing.T) string {
	t.Helper()
	code, _ := h.get(t, "/")
	require.Equal(t, http.StatusOK, code)
	u, _ := url.Parse(h.srv.URL)
	for _, c := range h.client.Jar.Cookies(u) {
		if c.Name == csrfCookie {
			return c.Value
		}
	}
	t.Fatal("no CSRF cookie set")
	return ""
}

func assertEscaped(t *testing.T, body string) {
	t.Helper()
	assert.NotContains(t, body, hostile, "customer text is escaped")
	assert.NotContains(t, body, "<script", "no script element reaches the page")
	assert.Contains(t, body, "&lt;script&gt;alert(1)&lt;/script&gt;")
}

func TestBacklogPage(t *testing.T) {
	h := newHarness(t, Config{})
	code, body := h.get(t, "/?area=sync&status=rejected&q=sync&sort=growth")
	require.Equal(t, http.StatusOK, code)
	assertEscaped(t, body)
	assert.Contains(t, body, `href="/stories/sync_fails"`)
	assert.Contains(t, body, "<polyline points=", "the trend is drawn")
	assert.NotContains(t, body, `billing"><b>`, "areas are escaped in options")
	assert.Equal(t, store.BoardFilter{Area: "sync", Status: "rejected", Query: "sync", Sort: "growth"}, h.backlog.filters[0])

	code, body = h.get(t, "/?tab=orphans")
	require.Equal(t, http.StatusOK, code)
	assertEscaped(t, body)
	assert.Contains(t, body, `id="orphans"`)

	code, _ = h.get(t, "/?status=bogus")
	assert.Equal(t, http.StatusBadRequest, code)
	code, _ = h.get(t, "/nowhere")
	assert.Equal(t, http.StatusNotFound, code)

	h.backlog.failNext = errors.New("database down")
	code, body = h.get(t, "/")
	assert.Equal(t, http.StatusInternalServerError, code)
	assert.NotContains(t, body, "database down", "errors are logged, not shown")
}

// A page whose query does not answer (a wedged database) gets 503 once the request's time is up,
// saying so, instead of holding the request until the browser gives up.
func TestAWedgedDatabaseAnswersThePageInTime(t *testing.T) {
	h := newHarness(t, Config{RequestTimeout: 100 * time.Millisecond})
	h.backlog.hang = true
	start := time.Now()
	code, body := h.get(t, "/")
	assert.Equal(t, http.StatusServiceUnavailable, code)
	assert.Contains(t, body, "no answer within 100ms")
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Contains(t, h.logs.String(), "request timed out")
	assert.Contains(t, h.logs.String(), `route="GET /{$}" status=503`, "the request's log line names its route")
}

func TestStoryPage(t *testing.T) {
	h := newHarness(t, Config{})
	code, body := h.get(t, "/stories/sync_fails")
	require.Equal(t, http.StatusOK, code)
	assertEscaped(t, body)
	assert.NotContains(t, body, "javascript:", "a javascript: source URL never becomes a link")
	assert.NotContains(t, body, `href="data:`, "a data: source URL never becomes a link")
	assert.NotContains(t, body, ">c1</a>", "conversation c1 (javascript: URL) is not a link")
	assert.NotContains(t, body, ">c3</a>", "conversation c3 (data: URL) is not a link")
	assert.NotContains(t, body, "ZgotmplZ", "no unsafe URL reaches the template")
	assert.Contains(t, body, `href="https://support.example.com/conv/2?x=1&amp;y=2"`, "an https source URL is a link")
	assert.Contains(t, body, "sync_broken", "aliases")
	assert.Contains(t, body, "sync_slow", "moves")
	assert.Contains(t, body, "Acceptance criteria")
	assert.Contains(t, body, `name="csrf" value="`)

	code, _ = h.get(t, "/stories/nope")
	assert.Equal(t, http.StatusNotFound, code)
}

func TestTriageNeedsCSRF(t *testing.T) {
	h := newHarness(t, Config{UserHeader: "X-Forwarded-User", User: "fallback"})
	token := h.csrf(t)

	resp := h.post(t, "/stories/sync_fails/triage", url.Values{"status": {"rejected"}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "no token in the form")
	resp = h.post(t, "/stories/sync_fails/triage", url.Values{"status": {"rejected"}, "csrf": {strings.Repeat("x", 43)}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "a wrong token")
	// A cross-site form post carries the cookie but cannot know the token; even with it, the
	// browser's Sec-Fetch-Site gives it away.
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/stories/sync_fails/triage",
		strings.NewReader(url.Values{"status": {"rejected"}, "csrf": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	cross, err := h.client.Do(req)
	require.NoError(t, err)
	cross.Body.Close()
	assert.Equal(t, http.StatusForbidden, cross.StatusCode)
	assert.Equal(t, store.TriageNew, h.backlog.triage["sync_fails"].Status, "nothing changed")

	resp = h.post(t, "/stories/sync_fails/triage", url.Values{"status": {"rejected"}, "csrf": {token}})
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/stories/sync_fails", resp.Header.Get("Location"))
	assert.Equal(t, store.TriageRejected, h.backlog.triage["sync_fails"].Status)
	assert.Equal(t, "fallback", h.backlog.triage["sync_fails"].SetBy, "no header: the configured name")

	req, _ = http.NewRequest(http.MethodPost, h.srv.URL+"/stories/sync_fails/triage",
		strings.NewReader(url.Values{"status": {"done"}, "csrf": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-User", "dana"+strings.Repeat("a", 200))
	byHeader, err := h.client.Do(req)
	require.NoError(t, err)
	byHeader.Body.Close()
	assert.Equal(t, http.StatusSeeOther, byHeader.StatusCode)
	assert.Equal(t, "dana"+strings.Repeat("a", 96), h.backlog.triage["sync_fails"].SetBy, "the proxy's header, bounded")

	resp = h.post(t, "/stories/sync_fails/triage", url.Values{"status": {"maybe"}, "csrf": {token}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	resp = h.post(t, "/stories/nope/triage", url.Values{"status": {"done"}, "csrf": {token}})
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestRunsPageStartAndStop(t *testing.T) {
	h := newHarness(t, Config{})
	code, body := h.get(t, "/runs")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `href="http://temporal-ui.example/namespaces/default/workflows/pipeline-2"`)
	assert.Contains(t, body, `action="/runs/pipeline-2/stop"`, "a live run can be stopped")
	assert.NotContains(t, body, `action="/runs/pipeline-1/stop"`, "an ended one cannot")
	assert.Contains(t, body, `value="50"`, "extraction progress")

	token := h.csrf(t)
	resp := h.post(t, "/runs", url.Values{"days": {"30"}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Empty(t, h.runs.started)
	resp = h.post(t, "/runs", url.Values{"days": {"30"}, "csrf": {token}})
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, []int{30}, h.runs.started)
	resp = h.post(t, "/runs", url.Values{"days": {"zero"}, "csrf": {token}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)

	h.runs.refuse = errors.New("refused: 1 run(s) active, at most 1 at a time: pipeline-2 (running, extraction)")
	resp = h.post(t, "/runs", url.Values{"days": {"30"}, "csrf": {token}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	code, body = h.get(t, resp.Header.Get("Location"))
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "at most 1 at a time", "the refusal is shown")

	resp = h.post(t, "/runs/pipeline-2/stop", url.Values{})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	resp = h.post(t, "/runs/pipeline-2/stop", url.Values{"csrf": {token}})
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, []string{"pipeline-2"}, h.runs.stopped)
	resp = h.post(t, "/runs/pipeline-9/stop", url.Values{"csrf": {token}})
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestAuthRefusal(t *testing.T) {
	for name, cfg := range map[string]Config{"token": {Token: "s3cret-token"}, "basic": {BasicAuth: "pm:s3cret-pass"}} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, cfg)
			for _, path := range []string{"/", "/stories/sync_fails", "/runs", "/static/style.css"} {
				code, _ := h.get(t, path)
				assert.Equal(t, http.StatusUnauthorized, code, path)
			}
			resp := h.post(t, "/stories/sync_fails/triage", url.Values{"status": {"done"}})
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)

			do := func(set func(*http.Request)) int {
				req, _ := http.NewRequest(http.MethodGet, h.srv.URL+"/", nil)
				set(req)
				resp, err := http.DefaultClient.Do(req)
				require.NoError(t, err)
				resp.Body.Close()
				return resp.StatusCode
			}
			assert.Equal(t, http.StatusUnauthorized, do(func(r *http.Request) { r.SetBasicAuth("pm", "wrong") }))
			assert.Equal(t, http.StatusUnauthorized, do(func(r *http.Request) { r.Header.Set("Authorization", "Bearer wrong") }))
			if name == "token" {
				assert.Equal(t, http.StatusOK, do(func(r *http.Request) { r.Header.Set("Authorization", "Bearer s3cret-token") }))
				assert.Equal(t, http.StatusOK, do(func(r *http.Request) { r.SetBasicAuth("anyone", "s3cret-token") }))
			} else {
				assert.Equal(t, http.StatusOK, do(func(r *http.Request) { r.SetBasicAuth("pm", "s3cret-pass") }))
			}
			assert.NotContains(t, h.logs.String(), "s3cret")
		})
	}
}

func TestExposure(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:8080", "[::1]:8080", "localhost:8080"} {
		assert.NoError(t, Exposure(Config{Addr: addr}), addr)
	}
	for _, addr := range []string{"0.0.0.0:8080", ":8080", "10.0.0.5:8080", "example.com:80"} {
		err := Exposure(Config{Addr: addr})
		require.Error(t, err, addr)
		assert.Contains(t, err.Error(), "FEEDBACK_WEB_TOKEN")
		assert.NoError(t, Exposure(Config{Addr: addr, Token: "t"}), addr)
		assert.NoError(t, Exposure(Config{Addr: addr, BasicAuth: "u:p"}), addr)
	}
	assert.Error(t, Exposure(Config{Addr: "0.0.0.0:8080", BasicAuth: "no-colon"}))
}

func TestNoSearchTextInLogs(t *testing.T) {
	h := newHarness(t, Config{})
	code, _ := h.get(t, "/?q=customer-words-here")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, h.logs.String(), "route=")
	assert.NotContains(t, h.logs.String(), "customer-words-here")
}

func TestSafeLink(t *testing.T) {
	for in, want := range map[string]string{
		"https://x.example/a":         "https://x.example/a",
		"http://x.example":            "http://x.example",
		" JAVASCRIPT:alert(1)":        "",
		"javascript://x.example/%0a1": "",
		"data:text/html,hi":           "",
		"//x.example/a":               "",
		"/relative":                   "",
		"vbscript:msgbox":             "",
		"https:///no-host":            "",
	} {
		assert.Equal(t, want, safeLink(in), in)
	}
}

func TestTrendPoints(t *testing.T) {
	assert.Equal(t, "", trendPoints(nil))
	assert.Equal(t, "0.0,1.0 80.0,1.0", trendPoints([]int{5}), "one run: a flat line")
	assert.Equal(t, "0.0,10.0 40.0,1.0 80.0,1.0", trendPoints([]int{1, 2, 2}))
}
