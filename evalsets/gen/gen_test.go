package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckedInSetsAreCurrent regenerates every set and compares it with the checked-in files,
// and checks each set is big enough and has noise.
func TestCheckedInSetsAreCurrent(t *testing.T) {
	dir := t.TempDir()
	for _, s := range []set{devtoolSet(), storeSet(), mobileSet(), bookingSet(), invoicingSet()} {
		if err := s.write(filepath.Join(dir, s.name), seed); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"conversations.jsonl", "labels.csv"} {
			got, err := os.ReadFile(filepath.Join(dir, s.name, f))
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join("..", s.name, f))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("evalsets/%s/%s is stale: run go run ./evalsets/gen", s.name, f)
			}
		}
		labels, _ := os.ReadFile(filepath.Join(dir, s.name, "labels.csv"))
		rows := strings.Split(strings.TrimSpace(string(labels)), "\n")[1:]
		noise := 0
		for _, r := range rows {
			if strings.Contains(r, ",noise_") {
				noise++
			}
		}
		if len(rows) < 150 || noise == 0 {
			t.Errorf("set %s: %d conversations, %d noise; want at least 150 and some noise", s.name, len(rows), noise)
		}
	}
}
