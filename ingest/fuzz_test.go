package ingest

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
)

// checkRead reads data as the file name both ways and checks the reader's promises:
// no panic; every error is an *Error naming the file and a line; every conversation
// returned is valid and storable; every skipped record names the file and a line.
func checkRead(t *testing.T, name string, data []byte) {
	for _, skip := range []bool{false, true} {
		res, err := Read(name, bytes.NewReader(data), skip)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("skip %v: error %v (%T) is not an *Error", skip, err, err)
			}
			if e.File != name || e.Line < 1 || !strings.HasPrefix(err.Error(), name+": line ") || e.Reason == "" {
				t.Fatalf("skip %v: error %q does not name the file and a line", skip, err)
			}
			continue
		}
		for _, c := range res.Conversations {
			if err := c.Validate(); err != nil {
				t.Fatalf("skip %v: returned an invalid conversation %q: %v", skip, c.ID, err)
			}
			if err := c.CheckStorable(); err != nil {
				t.Fatalf("skip %v: returned an unstorable conversation %q: %v", skip, c.ID, err)
			}
		}
		if !skip && len(res.Skipped) > 0 {
			t.Fatal("skipped records without skipInvalid")
		}
		for _, s := range res.Skipped {
			if s.File != name || s.Line < 1 || s.Reason == "" {
				t.Fatalf("skipped record %#v does not name the file and a line", s)
			}
		}
	}
}

func addFiles(f *testing.F, paths ...string) {
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// FuzzReadJSONL fuzzes the JSON Lines reader (seeds in testdata/fuzz/FuzzReadJSONL too).
func FuzzReadJSONL(f *testing.F) {
	addFiles(f, "testdata/jsonl/valid.jsonl", "testdata/jsonl/line7_invalid_json.jsonl")
	f.Add([]byte(jsonlLine("a", "nul\x00 \xff") + "\r\n\n" + jsonlLine("b c", "x") + "\n"))
	f.Add([]byte("\xef\xbb\xbf{\"id\":1}\n[]\nnull\n\"s\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) { checkRead(t, "in.jsonl", data) })
}

// FuzzReadIntercom fuzzes the Intercom export reader (seeds in testdata/fuzz/FuzzReadIntercom too).
func FuzzReadIntercom(f *testing.F) {
	addFiles(f, "testdata/intercom/export.json", "testdata/intercom/malformed.json")
	f.Add([]byte(`[{"id":1,"created_at":1714550400,"source":{"body":"<p>hi\u0000</p>","author":{"type":"user"}}},42,]`))
	f.Add([]byte(`[{"id":"x","created_at":1e300,"conversation_parts":{"conversation_parts":[{"part_type":"comment","body":"<script>x</script>ok","author":{"type":"admin"}}]}}] {}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if !bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("[")) {
			data = append([]byte("["), data...) // keep the fuzzer on the Intercom reader
		}
		checkRead(t, "export.json", data)
	})
}
