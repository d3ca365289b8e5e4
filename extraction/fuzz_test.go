package extraction

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzParse: Parse (strict decoding and Validate) never panics on any model answer,
// names what is wrong when it refuses one, and what it accepts passes Validate again
// with a lower snake case signature.
func FuzzParse(f *testing.F) {
	good, _ := json.Marshal(sampleTheme())
	f.Add(string(good))
	f.Add(strings.Replace(string(good), `"csv_export_missing_columns"`, `"CSV Export!"`, 1))
	f.Add(strings.Replace(string(good), `"symptoms":["columns missing","file smaller"]`, `"symptoms":null`, 1))
	f.Add(strings.Replace(string(good), `"exports"`, `"\u0000\ud800"`, 1))
	f.Add(`{"conversation_type": 5}`)
	f.Add(`[]`)
	f.Add(`{"issue_signature":"` + strings.Repeat("a", 500) + `"}`)
	f.Fuzz(func(t *testing.T, content string) {
		th, err := Parse(content)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("refused without a reason")
			}
			return
		}
		if err := th.Validate(); err != nil {
			t.Fatalf("accepted a theme Validate refuses: %v", err)
		}
		if !signaturePattern.MatchString(th.IssueSignature) {
			t.Fatalf("accepted signature %q", th.IssueSignature)
		}
	})
}
