package config

import (
	"net/url"
	"regexp"
	"strings"
)

// redacted replaces every secret the functions below hide.
const redacted = "xxxxx"

var (
	// keyword/value: password=pw, password = 'p w', sslpassword='it\'s' (an unterminated quoted
	// value runs to the end, as the parser reads it).
	kvPassword = regexp.MustCompile(`(?i)(\b\w*password\s*=\s*)('(?:[^'\\]|\\.)*(?:'|$)|[^\s']\S*|$)`)
	// URL query: ?password=pw&…, sslpassword too, in any case.
	queryPassword = regexp.MustCompile(`(?i)([?&][\w%]*password=)[^&#]*`)
)

// RedactDatabaseURL hides the passwords of a Postgres connection string in every form pgx
// accepts, for logs and error messages: the URL's user info (postgres://u:pw@h/db), its query
// (?password=pw, ?sslpassword=pw) and keyword/value strings (host=h password=pw, quoted values
// such as password='p w'). It never fails: on strings it cannot tell apart it hides more, not less.
func RedactDatabaseURL(s string) string {
	scheme, rest, isURL := strings.Cut(s, "://")
	if !isURL {
		return kvPassword.ReplaceAllString(s, "${1}"+redacted)
	}
	// The user info ends at the last '@' (as net/url reads it); a password may hold unescaped
	// '/', '?' or '#' that a stricter reading would take for the path.
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		if user, _, hasPassword := strings.Cut(rest[:at], ":"); hasPassword {
			rest = user + ":" + redacted + rest[at:]
		}
	}
	return scheme + "://" + queryPassword.ReplaceAllString(rest, "${1}"+redacted)
}

// RedactBaseURL shows an API base URL without its user info and query string, where keys and
// tokens may hide: "https://api.example.com/v1". A URL it cannot parse is not shown.
func RedactBaseURL(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return "(unparsable URL)"
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	return u.String()
}

// RedactError returns err with the passwords of the connection strings hidden from its message:
// drivers and URL parsers may quote the string they failed on, sometimes half-redacted. The
// result still unwraps to err, for errors.Is and errors.As; nil stays nil.
func RedactError(err error, connStrings ...string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	for _, cs := range connStrings {
		msg = strings.ReplaceAll(msg, cs, RedactDatabaseURL(cs))
		for _, secret := range passwordsOf(cs) {
			msg = hideSecret(msg, secret)
		}
	}
	msg = kvPassword.ReplaceAllString(queryPassword.ReplaceAllString(msg, "${1}"+redacted), "${1}"+redacted)
	return &redactedError{msg: msg, err: err}
}

// minFragment is the shortest piece of a password hideSecret looks for: a message may show a
// password cut (a half-redacted quote), decoded or re-encoded.
const minFragment = 4

// hideSecret hides secret in msg, and every piece of it of minFragment bytes or more, longest
// first. A message showing a password shorter than that is replaced whole.
func hideSecret(msg, secret string) string {
	if len(secret) < minFragment {
		if secret != "" && strings.Contains(msg, secret) {
			return "(details hidden: they may show the password)"
		}
		return msg
	}
	for n := len(secret); n >= minFragment; n-- {
		for i := 0; i+n <= len(secret); i++ {
			if piece := secret[i : i+n]; strings.Contains(msg, piece) {
				msg = strings.ReplaceAll(msg, piece, redacted)
			}
		}
	}
	return msg
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// passwordsOf returns the password values a connection string holds, raw and decoded, quoted and
// unquoted, so they can be hidden wherever they show.
func passwordsOf(s string) []string {
	var out []string
	add := func(v string) {
		if v == "" {
			return
		}
		out = append(out, v)
		if d, err := url.PathUnescape(v); err == nil && d != v {
			out = append(out, d)
		}
		if d, err := url.QueryUnescape(v); err == nil && d != v {
			out = append(out, d)
		}
	}
	if _, rest, isURL := strings.Cut(s, "://"); isURL {
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			if _, pw, ok := strings.Cut(rest[:at], ":"); ok {
				add(pw)
			}
		}
		for _, m := range passwordValue.FindAllStringSubmatch(rest, -1) {
			add(m[1])
		}
		return out
	}
	for _, m := range kvPassword.FindAllStringSubmatch(s, -1) {
		v := m[2]
		add(v)
		if unq := strings.Trim(v, "'"); unq != v {
			add(unq)
			add(strings.ReplaceAll(strings.ReplaceAll(unq, `\'`, `'`), `\\`, `\`))
		}
	}
	return out
}

// passwordValue captures a query password's value.
var passwordValue = regexp.MustCompile(`(?i)[?&][\w%]*password=([^&#]*)`)
