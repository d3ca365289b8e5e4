package web

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
)

// csrfCookie holds the double-submit token: every form carries the cookie's value in the field
// csrfField, and a POST without both, equal, is refused. Another site can make a browser send
// the cookie but cannot read it to fill the field.
const (
	csrfCookie = "feedbackpipe_csrf"
	csrfField  = "csrf"
)

// csrfToken returns the request's token, setting a new cookie when it has none.
func csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	return token
}

// csrfOK reports whether a POST carries the cookie and an equal form field, and does not come
// from another site.
func csrfOK(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" {
		return false
	}
	c, err := r.Cookie(csrfCookie)
	if err != nil || len(c.Value) < 32 {
		return false
	}
	return equal(r.PostFormValue(csrfField), c.Value)
}
