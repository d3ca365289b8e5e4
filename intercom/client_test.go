package intercom_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"feedbackpipe/conversation"
	"feedbackpipe/intercom"
	"feedbackpipe/intercom/intercomtest"
	"feedbackpipe/pipeline"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newClient(fake *intercomtest.Server, token string) *intercom.Client {
	return intercom.New(intercom.Config{
		Token: token, BaseURL: fake.URL, RatePerSec: 1000, PageSize: 2,
		MinBackoff: 10 * time.Millisecond, Timeout: 5 * time.Second,
	}, quiet())
}

const longText = "<p>The CSV export times out for <b>large</b> workspaces</p>"

func custom(id string, created, updated int64) intercomtest.Conversation {
	return intercomtest.Payload(id, created, updated, "user", "customer_initiated", "Export", longText)
}

// allIDs pages through the whole search.
func allIDs(t *testing.T, c *intercom.Client, since, until time.Time) []string {
	t.Helper()
	var ids []string
	cursor := ""
	for {
		p, err := c.Search(context.Background(), since, until, cursor)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.IDs...)
		if p.Next == "" {
			return ids
		}
		cursor = p.Next
	}
}

func TestSearchWindowIsExactInUTC(t *testing.T) {
	// The window is given in another zone, with a fraction of a second at both ends.
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	since := time.Date(2026, 11, 1, 1, 0, 0, 400_000_000, ny) // 06:00:00.4 UTC
	until := time.Date(2026, 11, 2, 1, 0, 0, 0, ny)           // 06:00:00 UTC next day
	s, u := since.Unix(), until.Unix()
	fake := intercomtest.New(t,
		custom("before", s-1, s-1),          // created and updated before the window
		custom("at-since", s, s),            // before since by 0.4 s: out
		custom("first", s+1, s+1),           // the first whole second in the window
		custom("last", u-1, u-1),            // the last second before until
		custom("at-until", u, u),            // until is excluded
		custom("old-updated", s-3600, s+60), // created before, updated within: in
		custom("updated-late", s+10, u+5),   // created within, updated after: in
		custom("middle", s+500, s+500),
	)
	got := allIDs(t, newClient(fake, intercomtest.Token), since, until)
	want := []string{"old-updated", "first", "updated-late", "middle", "last"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("window [%s, %s): got %v, want %v", since.UTC(), until.UTC(), got, want)
	}
	searches := fake.Searches()
	if len(searches) != 3 {
		t.Fatalf("5 conversations by pages of 2 take 3 searches, got %d", len(searches))
	}
	q := string(searches[0].Query)
	for _, v := range []string{strconv.FormatInt(s, 10), strconv.FormatInt(u, 10)} { // > since-1 (ceil), < until
		if !strings.Contains(q, v) {
			t.Errorf("query %s does not bound the window with %s", q, v)
		}
	}
}

func TestClassifyKeepsCustomerText(t *testing.T) {
	comment := func(author, body string) intercomtest.Part {
		return intercomtest.Part{Type: "comment", Author: author, Body: body, At: 1_790_000_100}
	}
	cases := []struct {
		name   string
		conv   intercomtest.Conversation
		reason string
		msgs   []string // author: text, for kept conversations
	}{
		{"customer with HTML, an admin reply, a note, an assignment", intercomtest.Payload("1", 1_790_000_000, 1_790_000_200, "user", "customer_initiated",
			"<b>Export</b>", "<p>The CSV export times out&nbsp;for <b>large</b> workspaces</p><script>x()</script>",
			comment("admin", "<p>Thanks, looking into it</p>"),
			intercomtest.Part{Type: "note", Author: "admin", Body: "<p>internal: customer is on the legacy plan</p>", At: 1_790_000_150},
			intercomtest.Part{Type: "assignment", Author: "admin", Body: "", At: 1_790_000_160},
			comment("user", "<div>Still failing<br>with 10k rows</div>")),
			"", []string{"customer: The CSV export times out for large workspaces", "support: Thanks, looking into it", "customer: Still failing\nwith 10k rows"}},
		{"a bot started it", intercomtest.Payload("2", 1_790_000_000, 1_790_000_000, "bot", "automated", "", "<p>Hi! How can Fin help you today with anything?</p>",
			comment("user", "<p>I need help with the billing page please</p>")), pipeline.SkipBot, nil},
		{"an admin's outbound message", intercomtest.Payload("3", 1_790_000_000, 1_790_000_000, "admin", "admin_initiated", "", "<p>We released a new dashboard, have a look!</p>",
			comment("user", "<p>Thanks, the new dashboard looks great to me</p>")), pipeline.SkipNotCustomer, nil},
		{"a template click", intercomtest.Payload("4", 1_790_000_000, 1_790_000_000, "user", "customer_initiated", "", "<p>Billing</p>",
			intercomtest.Part{Type: "quick_reply", Author: "user", Body: "<p>Talk to a person</p>", At: 1_790_000_010},
			comment("bot", "<p>Someone will be with you shortly, thanks for waiting.</p>")), pipeline.SkipTemplate, nil},
		{"customer text under 20 characters, a long admin reply", intercomtest.Payload("5", 1_790_000_000, 1_790_000_000, "user", "customer_initiated", "", "<p>hi <b>there</b></p>",
			comment("admin", "<p>Hello! What can I help you with today? Let us know.</p>")), pipeline.SkipTooShort, nil},
		{"only an attachment", intercomtest.Payload("6", 1_790_000_000, 1_790_000_000, "user", "customer_initiated", "", ""), pipeline.SkipTooShort, nil},
		{"a lead, 20 characters exactly", intercomtest.Payload("7", 1_790_000_000, 1_790_000_000, "lead", "customer_initiated", "", "<p>12345678901234567890</p>"),
			"", []string{"customer: 12345678901234567890"}},
	}
	fake := intercomtest.New(t, func() []intercomtest.Conversation {
		var cs []intercomtest.Conversation
		for _, c := range cases {
			cs = append(cs, c.conv)
		}
		return cs
	}()...)
	client := newClient(fake, intercomtest.Token)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := client.Conversation(context.Background(), tc.conv.ID)
			if err != nil {
				t.Fatal(err)
			}
			c, reason := intercom.Classify(raw)
			if reason != tc.reason {
				t.Fatalf("reason %q, want %q", reason, tc.reason)
			}
			if tc.reason != "" {
				if c != nil {
					t.Fatal("a skipped conversation is returned")
				}
				return
			}
			var got []string
			for _, m := range c.Messages {
				got = append(got, string(m.Author)+": "+m.Text)
			}
			if strings.Join(got, "|") != strings.Join(tc.msgs, "|") {
				t.Fatalf("messages %q, want %q", got, tc.msgs)
			}
			if c.ID != tc.conv.ID || !c.CreatedAt.Equal(time.Unix(tc.conv.CreatedAt, 0)) || c.CreatedAt.Location() != time.UTC {
				t.Fatalf("id %s created %v", c.ID, c.CreatedAt)
			}
			if c.Messages[0].Author != conversation.Customer {
				t.Fatal("the first message is the customer's")
			}
		})
	}
}

func TestRetriesHonourRetryAfterAndServerErrors(t *testing.T) {
	fake := intercomtest.New(t, custom("1", 1_790_000_000, 1_790_000_000))
	fake.Fail("search",
		intercomtest.Fault{Status: 429, Headers: map[string]string{"Retry-After": "1"}},
		intercomtest.Fault{Status: 503})
	client := newClient(fake, intercomtest.Token)
	start := time.Now()
	ids := allIDs(t, client, time.Unix(1_789_999_000, 0), time.Unix(1_790_001_000, 0))
	if len(ids) != 1 || ids[0] != "1" {
		t.Fatalf("ids %v", ids)
	}
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Fatalf("a 429 with Retry-After: 1 was retried after %s", d)
	}
}

func TestRateLimitResetHeaderIsHonoured(t *testing.T) {
	fake := intercomtest.New(t, custom("1", 1_790_000_000, 1_790_000_000))
	reset := time.Now().Add(2 * time.Second).Unix() // whole seconds: between 1 and 2 s away
	fake.Fail("get", intercomtest.Fault{Status: 429, Headers: map[string]string{
		"X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": strconv.FormatInt(reset, 10)}})
	start := time.Now()
	if _, err := newClient(fake, intercomtest.Token).Conversation(context.Background(), "1"); err != nil {
		t.Fatal(err)
	}
	if time.Now().Unix() < reset {
		t.Fatalf("retried after %s, before the rate limit's reset", time.Since(start))
	}
}

func TestUnauthorizedFailsAtOnceNamingTheVariable(t *testing.T) {
	fake := intercomtest.New(t, custom("1", 1_790_000_000, 1_790_000_000))
	const wrong = "wrong-token-do-not-print"
	_, err := newClient(fake, wrong).Search(context.Background(), time.Unix(0, 0), time.Now(), "")
	var auth *intercom.AuthError
	if !errors.As(err, &auth) || auth.Status != 401 {
		t.Fatalf("error %v, want an AuthError 401", err)
	}
	if !strings.Contains(err.Error(), intercom.EnvToken) || strings.Contains(err.Error(), wrong) {
		t.Fatalf("error %q must name %s and never the token", err, intercom.EnvToken)
	}
	if n := len(fake.Searches()); n != 0 {
		t.Fatalf("answered searches: %d", n)
	}
}

func TestServerErrorsGiveUpAfterTheAttempts(t *testing.T) {
	fake := intercomtest.New(t)
	for range 6 {
		fake.Fail("get", intercomtest.Fault{Status: 503})
	}
	c := intercom.New(intercom.Config{Token: intercomtest.Token, BaseURL: fake.URL, MaxAttempts: 3, MinBackoff: time.Millisecond}, quiet())
	_, err := c.Conversation(context.Background(), "1")
	var se *intercom.StatusError
	if !errors.As(err, &se) || se.Status != 503 || se.Attempts != 3 {
		t.Fatalf("error %v, want a 503 after 3 attempts", err)
	}
}

func TestConnectionErrorsAreRetriedAndNameNoCredentials(t *testing.T) {
	fake := intercomtest.New(t)
	base := strings.Replace(fake.URL, "http://", "http://user:hunter2@", 1)
	fake.Close() // nothing listens there any more
	c := intercom.New(intercom.Config{Token: intercomtest.Token, BaseURL: base, MaxAttempts: 2, MinBackoff: time.Millisecond, Timeout: time.Second}, quiet())
	_, err := c.Conversation(context.Background(), "1")
	if err == nil || strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), intercomtest.Token) {
		t.Fatalf("error %v", err)
	}
}
