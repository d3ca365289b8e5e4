// Package web serves the backlog to people: a server-rendered board of stories (html/template,
// no JavaScript), a page per story, the runs of the run index, and triage. Every page escapes
// customer text; POST actions carry a double-submit CSRF token; outside loopback the server
// needs a token or basic auth (see Exposure).
package web
