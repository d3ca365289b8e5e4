package errcode

import "testing"

// The story review's warnings reach Temporal history with a short reason code, and the group
// named by a reference, never by its key (a signature the model wrote).
func TestReviewWarningsKeepTheirCodes(t *testing.T) {
	for in, want := range map[string]string{
		"group general_feedback: rejected: noise":                   GroupRef("general_feedback") + ": rejected: noise",
		"group photo_upload_fails: review_fallback: invalid_output": GroupRef("photo_upload_fails") + ": review_fallback: invalid_output",
		"group k: rejected: the model said <script>":                GroupRef("k") + ": error",
		"conv_1: blocklisted signature: x":                          "conv_1: blocklisted_signature",
	} {
		if got := Warning(in); got != want {
			t.Errorf("Warning(%q) = %q, want %q", in, got, want)
		}
	}
	if got := GroupRef("general_feedback"); len(got) != len("group:")+10 || got == GroupRef("photo_upload_fails") {
		t.Errorf("GroupRef = %q: want group: and 10 hex digits, distinct per key", got)
	}
}
