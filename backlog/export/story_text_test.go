package export

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"feedbackpipe/store"
)

// The review's written fields are shown, and escaped like the rest of the customer-derived text.
func TestMarkdownShowsWrittenStoryEscaped(t *testing.T) {
	s := store.StoryView{Key: "k", Title: "Calendar sync: events duplicated", Severity: "high",
		UserStory:          "As a user, I want <b>one</b> event\n# not a heading",
		AcceptanceCriteria: []string{"No [link](http://x) duplicates"},
		InvestigationHints: []string{"Check | the sync job"}}
	var b bytes.Buffer
	require.NoError(t, Markdown(&b, []store.StoryView{s}, nil))
	out := b.String()
	assert.Contains(t, out, "**Severity:** high")
	assert.Contains(t, out, `**User story:** As a user\, I want \<b\>one\<\/b\> event \# not a heading`)
	assert.Contains(t, out, "**Acceptance criteria:**\n\n- No \\[link\\]\\(http\\:\\/\\/x\\) duplicates\n")
	assert.Contains(t, out, "- Check \\| the sync job\n")
	for _, line := range strings.Split(out, "\n") {
		assert.False(t, strings.HasPrefix(line, "# not"), "no heading from a written field")
	}
}
