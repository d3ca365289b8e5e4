package errcode

import "testing"

// The story review's warnings reach Temporal history as they are stored: a group key and a short
// reason code, which the history coding keeps instead of flattening to "error".
func TestReviewWarningsKeepTheirCodes(t *testing.T) {
	for in, want := range map[string]string{
		"general_feedback: rejected: noise":                   "general_feedback: rejected: noise",
		"photo_upload_fails: review_fallback: invalid_output": "photo_upload_fails: review_fallback: invalid_output",
		"k: rejected: the model said <script>":                "k: error",
	} {
		if got := Warning(in); got != want {
			t.Errorf("Warning(%q) = %q, want %q", in, got, want)
		}
	}
}
