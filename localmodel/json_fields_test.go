package localmodel

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"feedbackpipe/extraction"
)

// jsonFields gives what an encoding round trip gives, for a theme (nil and empty lists included)
// and for structs it does not read directly.
func TestJSONFieldsMatchesAnEncodingRoundTrip(t *testing.T) {
	roundTrip := func(v any) map[string]any {
		raw, err := json.Marshal(v)
		require.NoError(t, err)
		var out map[string]any
		require.NoError(t, json.Unmarshal(raw, &out))
		return out
	}
	type other struct {
		Count  int      `json:"count"`
		Ratio  float32  `json:"ratio"`
		Hidden string   `json:"-"`
		Maybe  string   `json:"maybe,omitempty"`
		Raw    []byte   `json:"raw"`
		Nested []string `json:"nested"`
	}
	for name, v := range map[string]any{
		"theme": extraction.Theme{ConversationType: "product_issue", IssueSignature: "invoice_pdf_wrong_total",
			MatchedExisting: true, Symptoms: []string{"total is wrong", "pdf shows old value"}, KeyExcerpts: nil},
		"theme with an empty list": extraction.Theme{Symptoms: []string{}},
		"other struct":             other{Count: 3, Ratio: 0.5, Hidden: "x", Raw: []byte("ab"), Nested: []string{"a"}},
		"a float32 not exact in binary": struct {
			Ratio float32 `json:"ratio"`
		}{Ratio: 0.1},
		"a field that marshals itself": struct {
			At time.Time `json:"at"`
		}{At: time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)},
	} {
		got, err := jsonFields(v)
		require.NoError(t, err, name)
		assert.Equal(t, roundTrip(v), got, name)
	}
}
