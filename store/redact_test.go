package store

import (
	"context"
	"strings"
	"testing"
	"time"
)

// A database that cannot be reached or a connection string that cannot be parsed gives an
// error that names what to fix and never shows the password, in any form pgx accepts.
func TestOpenAndMigrateErrorsHideThePassword(t *testing.T) {
	tests := []struct {
		name, url string
		secrets   []string
	}{
		{"URL password", "postgres://feedback:S3cretPw@127.0.0.1:1/feedback?sslmode=disable&connect_timeout=2", []string{"S3cretPw"}},
		{"URL query password", "postgres://feedback@127.0.0.1:1/feedback?sslmode=disable&connect_timeout=2&password=S3cretPw", []string{"S3cretPw"}},
		{"escaped URL password", "postgres://feedback:S3cret%20Pw@127.0.0.1:1/feedback?sslmode=disable&connect_timeout=2", []string{"S3cret", "S3cret%20Pw", "S3cret Pw"}},
		{"unparsable URL", "postgres://feedback:S3cretPw@127.0.0.1:notaport/feedback", []string{"S3cretPw"}},
		{"keyword/value", "host=127.0.0.1 port=1 user=feedback password=S3cretPw dbname=feedback sslmode=disable connect_timeout=2", []string{"S3cretPw"}},
		{"quoted keyword/value", "host=127.0.0.1 port=1 user=feedback password='S3cret Pw' dbname=feedback sslmode=disable connect_timeout=2", []string{"S3cret", "S3cret Pw"}},
		{"unparsable quoted keyword/value", `host=127.0.0.1 port=notaport password='it\'s a S3cretPw'`, []string{"S3cretPw", "s a S3"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_, openErr := Open(ctx, tc.url)
			_, migrateErr := Migrate(tc.url)
			for what, err := range map[string]error{"Open": openErr, "Migrate": migrateErr} {
				if err == nil {
					t.Fatalf("%s succeeded on %s", what, tc.url)
				}
				for _, s := range tc.secrets {
					if strings.Contains(err.Error(), s) {
						t.Errorf("%s error shows the password (%q): %v", what, s, err)
					}
				}
			}
			if !strings.Contains(openErr.Error(), "DATABASE_URL") {
				t.Errorf("Open error does not say what to fix: %v", openErr)
			}
		})
	}
}
