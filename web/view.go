package web

import (
	"fmt"
	"html/template"
	"net/url"
	"strings"
	"time"

	"feedbackpipe/pipeline"
)

var funcs = template.FuncMap{
	"day":      func(t time.Time) string { return t.UTC().Format("2006-01-02") },
	"when":     func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"trend":    trendPoints,
	"progress": progress,
	"runURL": func(base, ns, id string) string {
		return fmt.Sprintf("%s/namespaces/%s/workflows/%s", base, url.PathEscape(ns), url.PathEscape(id))
	},
	"storyURL": func(key string) string { return "/stories/" + url.PathEscape(key) },
	"filterURL": func(tab, area, status, q, sort string) string {
		v := url.Values{}
		for k, val := range map[string]string{"tab": tab, "area": area, "status": status, "q": q, "sort": sort} {
			if val != "" {
				v.Set(k, val)
			}
		}
		if len(v) == 0 {
			return "/"
		}
		return "/?" + v.Encode()
	},
}

// safeLink returns u when it is an absolute http or https URL, else "": other schemes
// (javascript:, data:, …) never become links.
func safeLink(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || p.Host == "" || (p.Scheme != "http" && p.Scheme != "https") {
		return ""
	}
	return p.String()
}

// Trend sparkline size, in SVG user units.
const (
	trendW = 80
	trendH = 20
)

// trendPoints turns counts into an SVG polyline's points, scaled to trendW×trendH.
func trendPoints(counts []int) string {
	if len(counts) == 0 {
		return ""
	}
	if len(counts) == 1 { // one run: a flat line at its height
		counts = []int{counts[0], counts[0]}
	}
	top := 1
	for _, c := range counts {
		top = max(top, c)
	}
	var b strings.Builder
	for i, c := range counts {
		x := 0.0
		if len(counts) > 1 {
			x = float64(i) * trendW / float64(len(counts)-1)
		}
		y := trendH - 1 - float64(c)*(trendH-2)/float64(top)
		fmt.Fprintf(&b, "%.1f,%.1f ", x, y)
	}
	return strings.TrimSpace(b.String())
}

// progress is how far a run got in its phase, as a percentage, from its counters; -1 when the
// counters cannot tell (the stories phase).
func progress(r RunRow) int {
	c := r.Counters
	if pipeline.IsTerminal(r.Status) && r.Status == "completed" {
		return 100
	}
	if c.ConversationsSelected == 0 {
		return 0
	}
	done := 0
	switch r.Phase {
	case "extraction":
		done = c.ThemesExtracted + c.ExtractionFailed + c.NotActionable + c.ThemesFiltered
	case "embedding":
		done = c.EmbeddingsGenerated + c.EmbeddingsFailed
		return min(100, done*100/max(1, c.ThemesExtracted))
	case "completed":
		return 100
	default: // stories: no counter tells how many groups remain
		return -1
	}
	return min(100, done*100/c.ConversationsSelected)
}
