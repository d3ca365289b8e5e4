package main

import (
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"feedbackpipe/activities"
	"feedbackpipe/conversation"
	"feedbackpipe/ingest"
	"feedbackpipe/localmodel"
	"feedbackpipe/pipeline"
	"feedbackpipe/runindex"
	"feedbackpipe/sampledata"
	"feedbackpipe/testenv"
	"feedbackpipe/web"
	"feedbackpipe/workerhost"
)

// sampleMax is how many of the sample conversations (the oldest) both runs read: enough for
// several stories, few enough to keep the test quick on a loaded machine.
const sampleMax = 150

// chromiumPath finds headless Chromium (Debian package chromium, installed by
// `scripts/tools.sh chromium`, which `make test` runs); with REQUIRE_SERVICES=1 its absence fails.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if testenv.Required() {
		t.Fatal("chromium not found: install it with `scripts/tools.sh chromium` (apt-get install -y chromium)")
	}
	t.Skip("chromium not found")
	return ""
}

// A product manager's path through the web backlog in a real browser: the backlog after a run,
// a filter, a story, marking it rejected, a second run over the same window started from the
// runs page, which adds a conversation to the story, and the story still rejected. Screenshots go to a temp dir (logged), and also to
// WEB_SCREENSHOTS_DIR when set (how docs/ got its pictures).
func TestBrowserTriageSurvivesARun(t *testing.T) {
	chrome := chromiumPath(t)
	tc := testenv.Temporal(t)
	cfg := testenv.Config(t)
	cfg.DatabaseURL = testenv.Database(t)
	cfg.TaskQueue = testenv.TaskQueue(t, tc, "web")
	ctx := context.Background()
	w, err := workerhost.Start(ctx, workerhost.Options{Config: cfg, Activities: activities.DefaultConfig(),
		LocalModel: localmodel.Config{}, Logger: testenv.Logger(t)})
	if err != nil {
		t.Fatalf("start worker: %v", err)
	}
	t.Cleanup(func() { w.Close(context.Background()) })
	res, err := ingest.Read("conversations.jsonl", bytes.NewReader(sampledata.ConversationsJSONL()), false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Store.UpsertConversations(ctx, res.Conversations); err != nil {
		t.Fatal(err)
	}
	waitRun := func(runID string) {
		t.Helper()
		wctx, cancel := context.WithTimeout(ctx, 90*time.Second)
		defer cancel()
		var s pipeline.Status
		if err := tc.GetWorkflow(wctx, runID, "").Get(wctx, &s); err != nil || s.Status != "completed" {
			t.Fatalf("run %s: %v, status %q", runID, err, s.Status)
		}
	}
	first, err := runindex.StartRun(ctx, tc, cfg.TaskQueue, pipeline.RunInput{Days: 3650, MaxConversations: sampleMax, CreateStories: true, Concurrency: 16},
		cfg.Index, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	waitRun(first)

	c := &cli{cfg: cfg, out: io.Discard, errOut: io.Discard, getenv: func(string) string { return "" }}
	srv, err := web.New(web.Config{Addr: "127.0.0.1:0", User: "browser-test", UIURL: cfg.UIURL, Namespace: cfg.Namespace},
		w.Store, &serveRuns{c: c, tc: tc, st: w.Store}, testenv.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()

	artifacts := t.TempDir()
	if dir := os.Getenv("BROWSER_ARTIFACTS_DIR"); dir != "" {
		artifacts = dir
	}
	t.Logf("browser screenshots: %s", artifacts)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chrome), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true), chromedp.Flag("mute-audio", true),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	defer cancelBrowser()
	bctx, cancelTimeout := context.WithTimeout(bctx, 180*time.Second)
	defer cancelTimeout()

	shot := func(name string) chromedp.Action {
		return chromedp.ActionFunc(func(ctx context.Context) error {
			var png []byte
			if err := chromedp.FullScreenshot(&png, 100).Do(ctx); err != nil {
				return err
			}
			for _, dir := range []string{artifacts, os.Getenv("WEB_SCREENSHOTS_DIR")} {
				if dir != "" {
					if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
						return err
					}
				}
			}
			return nil
		})
	}
	run := func(step string, actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(bctx, actions...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}

	// The backlog after the run, then filtered down to one story by text.
	var key, title string
	var ok bool
	run("open the backlog",
		chromedp.Navigate(hs.URL+"/"),
		chromedp.WaitVisible(`#stories tbody tr[data-key]`, chromedp.ByQuery),
		chromedp.AttributeValue(`#stories tbody tr[data-key]`, "data-key", &key, &ok, chromedp.ByQuery),
		chromedp.Text(`#stories tbody tr[data-key] a.title`, &title, chromedp.ByQuery),
		shot("backlog.png"))
	if !ok || key == "" {
		t.Fatal("the backlog lists no story after a run")
	}
	var rows int
	run("filter by text",
		chromedp.SetValue(`#q`, key, chromedp.ByID),
		chromedp.Click(`#apply`, chromedp.ByID),
		// Count on the filtered page, not on the one the click is leaving: its address carries
		// the query. Errors while the page changes are retried, for up to 10 s.
		chromedp.ActionFunc(func(ctx context.Context) error {
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
				var search string
				if chromedp.Evaluate(`document.readyState === 'complete' ? location.search : ''`, &search).Do(ctx) != nil ||
					!strings.Contains(search, "q=") {
					continue
				}
				if err := chromedp.Evaluate(`document.querySelectorAll('#stories tbody tr[data-key]').length`, &rows).Do(ctx); err == nil {
					return nil
				}
			}
			return nil
		}))
	if rows < 1 {
		t.Fatalf("filtering by %q left %d rows", key, rows)
	}

	// The story page; mark the story rejected.
	var status, shownTitle string
	run("open the story and reject it",
		chromedp.Click(`#stories tbody tr[data-key="`+key+`"] a.title`, chromedp.ByQuery),
		chromedp.WaitVisible(`#story-title`, chromedp.ByID),
		chromedp.Text(`#story-title`, &shownTitle, chromedp.ByID),
		chromedp.Click(`#triage-rejected`, chromedp.ByID),
		chromedp.WaitVisible(`#triage-rejected.current`, chromedp.ByQuery),
		chromedp.Text(`#triage-status`, &status, chromedp.ByID),
		shot("story.png"))
	if strings.TrimSpace(shownTitle) != strings.TrimSpace(title) || strings.TrimSpace(status) != "rejected" {
		t.Fatalf("story page: title %q (backlog said %q), status %q", shownTitle, title, status)
	}

	// A second run over the same window, started from the runs page, with one more conversation
	// of the story (as old as the oldest, so the second run's selection holds it): the run updates
	// the story, and its triage stays.
	var member string
	if err := w.Store.Pool().QueryRow(ctx, `
		SELECT gm.conversation_id FROM group_members gm JOIN stories s ON s.id = gm.story_id
		WHERE s.story_key = $1 ORDER BY gm.conversation_id LIMIT 1`, key).Scan(&member); err != nil {
		t.Fatal(err)
	}
	oldest := res.Conversations[0].CreatedAt
	var again conversation.Conversation
	for _, conv := range res.Conversations {
		if conv.CreatedAt.Before(oldest) {
			oldest = conv.CreatedAt
		}
		if conv.ID == member {
			again = conv
		}
	}
	again.ID, again.CreatedAt = member+"-again", oldest.Add(-time.Hour)
	if _, err := w.Store.UpsertConversations(ctx, []conversation.Conversation{again}); err != nil {
		t.Fatal(err)
	}
	var started string
	run("start a second run",
		chromedp.Navigate(hs.URL+"/runs"),
		chromedp.WaitVisible(`#start-run`, chromedp.ByID),
		chromedp.SetValue(`#days`, "3650", chromedp.ByID),
		chromedp.SetValue(`#max`, strconv.Itoa(sampleMax), chromedp.ByID),
		chromedp.Click(`#start`, chromedp.ByID),
		chromedp.WaitVisible(`#started`, chromedp.ByID),
		chromedp.Text(`#started`, &started, chromedp.ByID),
		shot("runs.png"))
	second := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(started), "Started "), ".")
	if !strings.HasPrefix(second, "pipeline-") || second == first {
		t.Fatalf("runs page says %q", started)
	}
	waitRun(second)
	var updatedBy string
	if err := w.Store.Pool().QueryRow(ctx, `SELECT updated_by_run FROM stories WHERE story_key = $1`, key).Scan(&updatedBy); err != nil {
		t.Fatal(err)
	}
	if updatedBy != second {
		t.Errorf("the second run did not update the story (updated by %s)", updatedBy)
	}

	// Still rejected, on its page and under the backlog's rejected filter.
	run("see the story stay rejected",
		chromedp.Navigate(hs.URL+"/stories/"+key),
		chromedp.WaitVisible(`#triage-status`, chromedp.ByID),
		chromedp.Text(`#triage-status`, &status, chromedp.ByID),
		chromedp.Navigate(hs.URL+"/?status=rejected"),
		chromedp.WaitVisible(`#stories tbody tr[data-key="`+key+`"]`, chromedp.ByQuery),
		shot("backlog-rejected.png"))
	if strings.TrimSpace(status) != "rejected" {
		t.Fatalf("after the second run the story is %q", status)
	}
}
