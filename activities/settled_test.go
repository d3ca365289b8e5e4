package activities

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"feedbackpipe/grouping"
	"feedbackpipe/store"
)

// A group is settled, and left unwritten, only when it is made of backlog conversations alone and
// holds every one of the story or orphan they are all in.
func TestUnsettledWritesWhatChanges(t *testing.T) {
	themes := []store.ThemeForGrouping{
		{ConversationID: "a1", Placed: "story:1"}, {ConversationID: "a2", Placed: "story:1"},
		{ConversationID: "b1", Placed: "story:2"}, {ConversationID: "b2", Placed: "story:2"}, {ConversationID: "b3", Placed: "story:2"},
		{ConversationID: "c1", Placed: "orphan:3"}, {ConversationID: "c2", Placed: "orphan:4"},
		{ConversationID: "new"},
	}
	groups := []grouping.Group{
		{Key: "a", Members: []int{0, 1}},  // story 1 as it is: settled
		{Key: "b", Members: []int{2, 3}},  // part of story 2: its third member went elsewhere
		{Key: "b3", Members: []int{4, 7}}, // story 2's third member with the run's conversation
		{Key: "c", Members: []int{5, 6}},  // two orphans meet
	}
	write, settledKeys := unsettled(groups, themes)
	var keys []string
	for _, g := range write {
		keys = append(keys, g.Key)
	}
	assert.Equal(t, []string{"b", "b3", "c"}, keys)
	assert.Equal(t, []string{"a"}, settledKeys)

	own := []store.ThemeForGrouping{{ConversationID: "x"}, {ConversationID: "y"}}
	write, settledKeys = unsettled([]grouping.Group{{Key: "x", Members: []int{0, 1}}}, own)
	assert.Len(t, write, 1, "a run's own themes are always written")
	assert.Empty(t, settledKeys)
}
