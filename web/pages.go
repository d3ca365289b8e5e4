package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"feedbackpipe/store"
)

// maxQuery bounds the search text.
const maxQuery = 200

type backlogData struct {
	CSRF     string
	Filter   store.BoardFilter
	Tab      string // "stories" or "orphans"
	Areas    []string
	Statuses []string
	Stories  []store.BoardStory
	Orphans  []store.OrphanView
}

func (s *Server) backlogPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := store.BoardFilter{Area: q.Get("area"), Status: q.Get("status"), Query: q.Get("q"), Sort: q.Get("sort")}
	if len(f.Query) > maxQuery {
		f.Query = f.Query[:maxQuery]
	}
	if f.Status != "" && !store.ValidTriage(f.Status) && f.Status != store.TriageRegressed {
		http.Error(w, "unknown status", http.StatusBadRequest)
		return
	}
	d := backlogData{CSRF: csrfToken(w, r), Filter: f, Tab: "stories",
		Statuses: append(append([]string{}, store.TriageStatuses...), store.TriageRegressed)}
	var err error
	if d.Areas, err = s.backlog.Areas(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	if q.Get("tab") == "orphans" {
		d.Tab = "orphans"
		d.Orphans, err = s.backlog.BoardOrphans(r.Context(), f)
	} else {
		d.Stories, err = s.backlog.Board(r.Context(), f)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "backlog", d)
}

type storyData struct {
	CSRF     string
	Story    *store.StoryDetail
	Statuses []string
	Links    map[string]string // conversation id -> safe source link
}

func (s *Server) storyPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.backlog.Story(r.Context(), r.PathValue("key"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	links := map[string]string{}
	for _, m := range d.Members {
		if l := safeLink(m.SourceURL); l != "" {
			links[m.ConversationID] = l
		}
	}
	s.render(w, r, "story", storyData{CSRF: csrfToken(w, r), Story: d, Statuses: store.TriageStatuses, Links: links})
}

func (s *Server) setTriage(w http.ResponseWriter, r *http.Request) {
	key, status := r.PathValue("key"), r.PostFormValue("status")
	if !store.ValidTriage(status) {
		http.Error(w, "unknown status", http.StatusBadRequest)
		return
	}
	who := s.who(r)
	if err := s.backlog.SetTriage(r.Context(), key, status, who); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("triage set", "story", key, "status", status, "by", who)
	http.Redirect(w, r, "/stories/"+url.PathEscape(key), http.StatusSeeOther)
}

type runsData struct {
	CSRF    string
	Runs    []RunRow
	Note    string
	Message string
	Error   string
	UIURL   string
	NS      string
}

func (s *Server) runsPage(w http.ResponseWriter, r *http.Request) {
	runs, note, err := s.runs.List(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	s.render(w, r, "runs", runsData{CSRF: csrfToken(w, r), Runs: runs, Note: note, Message: q.Get("started"),
		Error: q.Get("error"), UIURL: s.cfg.UIURL, NS: s.cfg.Namespace})
}

func (s *Server) startRun(w http.ResponseWriter, r *http.Request) {
	days, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("days")))
	if err != nil || days < 1 || days > 36500 {
		http.Error(w, "days must be a whole number of at least 1", http.StatusBadRequest)
		return
	}
	max := 0
	if v := strings.TrimSpace(r.PostFormValue("max")); v != "" {
		if max, err = strconv.Atoi(v); err != nil || max < 0 {
			http.Error(w, "max must be a whole number, 0 for all", http.StatusBadRequest)
			return
		}
	}
	runID, err := s.runs.Start(r.Context(), days, max)
	if err != nil {
		// The admission's refusal names runs and counts, never conversation text.
		s.log.Warn("run not started", "err", err)
		http.Redirect(w, r, "/runs?error="+url.QueryEscape(err.Error()), http.StatusSeeOther)
		return
	}
	s.log.Info("run started", "run_id", runID, "by", s.who(r))
	http.Redirect(w, r, "/runs?started="+url.QueryEscape(runID), http.StatusSeeOther)
}

func (s *Server) stopRun(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := s.runs.Stop(r.Context(), id); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			http.Error(w, "no such run", http.StatusNotFound)
			return
		}
		http.Redirect(w, r, "/runs?error="+url.QueryEscape(fmt.Sprintf("stop %s: %v", id, err)), http.StatusSeeOther)
		return
	}
	s.log.Info("run stop requested", "run_id", id, "by", s.who(r))
	http.Redirect(w, r, "/runs", http.StatusSeeOther)
}
