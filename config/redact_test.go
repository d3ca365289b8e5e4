package config

import (
	"errors"
	"strings"
	"testing"
)

func TestRedactDatabaseURL(t *testing.T) {
	tests := []struct {
		name, in, want string
		secrets        []string
	}{
		{"URL without password", "postgres://feedback@127.0.0.1:55432/feedback?sslmode=disable",
			"postgres://feedback@127.0.0.1:55432/feedback?sslmode=disable", nil},
		{"URL password", "postgres://u:pw@h/db", "postgres://u:xxxxx@h/db", []string{"pw"}},
		{"URL password with escapes", "postgresql://u:p%40ss%2Fw@h:5432/db?sslmode=require",
			"postgresql://u:xxxxx@h:5432/db?sslmode=require", []string{"p%40ss", "ss%2Fw"}},
		{"URL password with raw @ and /", "postgres://u:p@s/s@h/db", "postgres://u:xxxxx@h/db", []string{"p@s/s"}},
		{"URL with several hosts", "postgres://u:s3cret@h1:5432,h2:5433/db", "postgres://u:xxxxx@h1:5432,h2:5433/db", []string{"s3cret"}},
		{"query password", "postgres://h/db?sslmode=disable&password=s3cret", "postgres://h/db?sslmode=disable&password=xxxxx", []string{"s3cret"}},
		{"query password first", "postgres://u@h/db?password=s3cret&sslmode=disable", "postgres://u@h/db?password=xxxxx&sslmode=disable", []string{"s3cret"}},
		{"query sslpassword", "postgres://h/db?sslpassword=k3y&PASSWORD=s3cret", "postgres://h/db?sslpassword=xxxxx&PASSWORD=xxxxx", []string{"k3y", "s3cret"}},
		{"both", "postgres://u:one@h/db?password=two", "postgres://u:xxxxx@h/db?password=xxxxx", []string{"one", "two"}},
		{"keyword/value", "host=h password=s3cret dbname=db", "host=h password=xxxxx dbname=db", []string{"s3cret"}},
		{"keyword/value at the end", "host=h user=u password=s3cret", "host=h user=u password=xxxxx", []string{"s3cret"}},
		{"keyword/value with spaces around =", "host=h password = s3cret dbname=db", "host=h password = xxxxx dbname=db", []string{"s3cret"}},
		{"quoted value", "host=h password='p w' dbname=db", "host=h password=xxxxx dbname=db", []string{"p w", "'p", "w'"}},
		{"quoted value with escapes", `host=h password='it\'s a s3cret' dbname=db`, "host=h password=xxxxx dbname=db", []string{"s3cret", `it\'s`}},
		{"unterminated quote", "host=h password='p w s3cret", "host=h password=xxxxx", []string{"s3cret", "p w"}},
		{"sslpassword", "host=h sslpassword=k3y", "host=h sslpassword=xxxxx", []string{"k3y"}},
		// As libpq and pgx read it, the value after "password= " is "dbname=db".
		{"space after =", "host=h password= dbname=db", "host=h password= xxxxx", []string{"dbname"}},
		{"no secret", "host=h dbname=db", "host=h dbname=db", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := RedactDatabaseURL(tc.in)
			if got != tc.want {
				t.Errorf("RedactDatabaseURL(%q) = %q, want %q", tc.in, got, tc.want)
			}
			for _, s := range tc.secrets {
				if strings.Contains(got, s) {
					t.Errorf("%q still shows %q", got, s)
				}
			}
		})
	}
}

func TestRedactBaseURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"https://api.openai.com/v1", "https://api.openai.com/v1"},
		{"https://user:s3cret@llm.example.com/v1", "https://llm.example.com/v1"},
		{"https://llm.example.com/v1?api-key=s3cret&x=1", "https://llm.example.com/v1"},
		{"https://llm.example.com/v1?", "https://llm.example.com/v1"},
		{"https://tok3n@llm.example.com:8443/openai/v1#frag", "https://llm.example.com:8443/openai/v1"},
		{"://nonsense s3cret", "(unparsable URL)"},
	}
	for _, tc := range tests {
		if got := RedactBaseURL(tc.in); got != tc.want {
			t.Errorf("RedactBaseURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRedactError(t *testing.T) {
	tests := []struct {
		name, conn, msg string
		secrets         []string
	}{
		{"the string itself", "postgres://u:s3cret@h/db", "cannot connect to postgres://u:s3cret@h/db: refused", []string{"s3cret"}},
		{"a half-redacted quote", `host=h password='it\'s a s3cret'`, "cannot parse `host=h password=xxxxx s a s3cret'`: bad", []string{"s3cret"}},
		{"a parser quoting the decoded password", "postgres://u:p%20w0rd@h/db", `parse "postgres://u:p w0rd@h/db": invalid`, []string{"p w0rd", "w0rd"}},
		{"a query password", "postgres://h/db?password=s3cret", `bad option password: "s3cret"`, []string{"s3cret"}},
		{"a short password hides the details", "postgres://u:pw@h/db", "failed for pw", []string{"pw"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base := errors.New(tc.msg)
			err := RedactError(base, tc.conn)
			for _, s := range tc.secrets {
				if strings.Contains(err.Error(), s) {
					t.Errorf("%q still shows %q", err.Error(), s)
				}
			}
			if !errors.Is(err, base) {
				t.Errorf("the redacted error does not unwrap to the original")
			}
		})
	}
	if RedactError(nil, "x") != nil {
		t.Error("nil is not nil")
	}
}
