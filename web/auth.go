package web

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"feedbackpipe/conversation"
)

// maxUserName bounds the name recorded with a triage.
const maxUserName = 100

// authenticated reports whether the request carries the configured credentials (always true
// when none is configured).
func (s *Server) authenticated(r *http.Request) bool {
	if s.cfg.Token == "" && s.cfg.BasicAuth == "" {
		return true
	}
	if s.cfg.Token != "" {
		if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && equal(bearer, s.cfg.Token) {
			return true
		}
		if _, pass, ok := r.BasicAuth(); ok && equal(pass, s.cfg.Token) {
			return true
		}
	}
	if s.cfg.BasicAuth != "" {
		if user, pass, ok := r.BasicAuth(); ok && equal(user+":"+pass, s.cfg.BasicAuth) {
			return true
		}
	}
	return false
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// requireAuth refuses requests without the configured credentials, asking browsers for basic auth.
func (s *Server) requireAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.authenticated(r) {
			w.Header().Set("WWW-Authenticate", `Basic realm="feedbackpipe backlog", charset="UTF-8"`)
			http.Error(w, "authentication required", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// who names the person acting: the trusted proxy header, else the basic-auth user, else the
// configured name, else "web".
func (s *Server) who(r *http.Request) string {
	name := ""
	if s.cfg.UserHeader != "" {
		name = r.Header.Get(s.cfg.UserHeader)
	}
	if name == "" && s.cfg.BasicAuth != "" {
		name, _, _ = r.BasicAuth()
	}
	if name == "" {
		name = s.cfg.User
	}
	name = conversation.CleanLine(name)
	if r := []rune(name); len(r) > maxUserName {
		name = string(r[:maxUserName])
	}
	if strings.TrimSpace(name) == "" {
		return "web"
	}
	return name
}
