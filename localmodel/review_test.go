package localmodel

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"feedbackpipe/review"
)

func reviewGroup(ms ...review.Member) review.Group {
	for i := range ms {
		ms[i].ID = string(rune('a' + i))
	}
	return review.Sample(ms)
}

func member(sig, component, action, direction, symptom string) review.Member {
	return review.Member{Signature: sig, ProductArea: "scheduling", Component: component, ActionType: action,
		Direction: direction, UserIntent: "intent", Symptoms: []string{symptom}}
}

func TestBuiltInReviewVerdicts(t *testing.T) {
	noise := reviewGroup(member("general_feedback", "general", "unknown", "neutral", "thanks"),
		member("general_question", "general", "inquiry", "neutral", "hello"),
		member("calendar_sync_duplicate_events", "calendar_sync", "bug_report", "excess", "events duplicated"))
	a := decideReview(noise)
	assert.Equal(t, review.DecisionReject, a.Decision)
	assert.Equal(t, review.ReasonNoise, a.Reason)

	bug := member("calendar_sync_duplicate_events", "calendar_sync", "bug_report", "excess", "Hello, events duplicated after reconnect")
	feature := member("calendar_sync_outlook", "calendar_sync", "feature_request", "creation", "no outlook option offered")
	mixed := reviewGroup(bug, bug, bug, feature, feature, feature)
	a = decideReview(mixed)
	require.Equal(t, review.DecisionSplit, a.Decision)
	_, err := review.Parse(string(answerJSON(&a)), mixed)
	require.NoError(t, err, "the built-in model's split is a valid answer")

	// Facets disagree but every member says the same thing: one issue.
	same := member("calendar_sync_duplicate_events", "calendar_sync", "complaint", "creation", "events duplicated after reconnect")
	a = decideReview(reviewGroup(bug, bug, bug, same, same, same))
	assert.Equal(t, review.DecisionKeep, a.Decision)

	a = decideReview(reviewGroup(bug, bug, bug))
	require.Equal(t, review.DecisionKeep, a.Decision)
	assert.Equal(t, "Calendar sync: events duplicated after reconnect", a.Parts[0].Title)
	_, err = review.Parse(string(answerJSON(&a)), reviewGroup(bug, bug, bug))
	require.NoError(t, err)
}

func TestBuiltInReviewTitlesStayOneShortLine(t *testing.T) {
	long := member("x_fails", "very_long_component_name_for_a_test", "bug_report", "neutral",
		strings.Repeat("something\nbreaks badly in every single way ", 10))
	a := decideReview(reviewGroup(long, long, long))
	title := a.Parts[0].Title
	assert.LessOrEqual(t, utf8.RuneCountInString(title), review.MaxTitle)
	assert.NotContains(t, title, "\n")
}

func answerJSON(a *review.Answer) []byte { return a.Encode() }

// A feature request is titled with the feature as its members name it, not the bare component.
func TestBuiltInReviewNamesTheRequestedFeature(t *testing.T) {
	ask := func(excerpt string) review.Member {
		m := member("mode_request", "mode", "feature_request", "creation", "no dark mode")
		m.UserIntent, m.Excerpt = "Support mode", excerpt
		return m
	}
	a := decideReview(reviewGroup(ask("would love a dark mode, my eyes hurt"), ask("Dark mode please!!"),
		ask("any plans for a dark mode?"), ask("can the app follow the system theme")))
	require.Equal(t, review.DecisionKeep, a.Decision)
	assert.Equal(t, "Add dark mode", a.Parts[0].Title)

	// The feature's name need not hold the component the extractor chose.
	a = decideReview(reviewGroup(ask("a first comment field for instagram would be great"),
		ask("Is there a way to add a first comment when scheduling?"), ask("any plans for an auto first comment feature?")))
	assert.Equal(t, "Add first comment", a.Parts[0].Title)

	// What happens to the feature is not part of its name.
	a = decideReview(reviewGroup(ask("would love bluesky added"), ask("please get bluesky added"),
		ask("bluesky channel please"), ask("a bluesky channel would be great")))
	assert.Equal(t, "Add bluesky channel", a.Parts[0].Title)

	// Two words side by side as written: a stop word between them breaks the pair.
	a = decideReview(reviewGroup(ask("can you add a waitlist for fully booked days?"), ask("a waitlist for fully booked days pls"),
		ask("waitlist for fully booked days?"), ask("please add an automatic waitlist"), ask("an automatic waitlist would be great")))
	assert.Equal(t, "Add automatic waitlist", a.Parts[0].Title)

	// No pair shared by two members: the intent, which names the component.
	a = decideReview(reviewGroup(ask("dark mode"), ask("night mode"), ask("mode for kids")))
	assert.Equal(t, "Add mode support", a.Parts[0].Title)
}

// A question's story is titled with the question as customers asked it, not the extractor's
// "cannot find how to use".
func TestQuestionTitleIsTheCustomersQuestion(t *testing.T) {
	ask := func(question string) review.Member {
		m := member("how_to_search", "search", "how_to_question", "neutral", question)
		m.Symptoms = append(m.Symptoms, "Customer cannot find how to use search")
		m.UserIntent, m.Excerpt = "Learn how to use search", "Hello team, "+question
		return m
	}
	a := decideReview(reviewGroup(ask("how do I paginate the search results?"),
		ask("how to fetch more than 20 results from search"), ask("how do I paginate search results")))
	require.Equal(t, review.DecisionKeep, a.Decision)
	assert.Equal(t, "Search: how do I paginate search results", a.Parts[0].Title)
}

// A group whose members disagree only in twos stays whole: parts smaller than a story would only
// fall apart into orphans.
func TestReviewKeepsAGroupThatWouldSplitIntoPairs(t *testing.T) {
	var members []review.Member
	words := map[string]string{"card": "billed double", "statement": "lists entry again", "bank": "shows extra debit"}
	for i, c := range []string{"card", "card", "statement", "statement", "bank", "bank"} {
		members = append(members, review.Member{
			Ref: fmt.Sprintf("m%d", i+1), Signature: c + "_duplicate", ProductArea: c, Component: c,
			ActionType: "bug_report", Direction: "excess", UserIntent: c + " " + words[c],
			Symptoms: []string{c + " " + words[c]}, Excerpt: "my " + c + " " + words[c],
		})
	}
	if got := decideReview(review.Group{Total: len(members), Members: members}); got.Decision != review.DecisionKeep {
		t.Errorf("decision %s (%d parts), want keep", got.Decision, len(got.Parts))
	}
}

func TestTitlesSayNothingTwice(t *testing.T) {
	for _, tc := range []struct{ component, need, want string }{
		{"Reverse lookup", "reverse shows wrong values", "shows wrong values"},
		{"Publishing", "error error 9007", "error 9007"},
		{"Api", "quota is rate limited too early", "quota is rate limited too early"},
		{"Csv export", "csv export", "export"},
		{"Order", "Order", "Order"},
	} {
		assert.Equal(t, tc.want, titleNeed(tc.component, tc.need), "%s: %s", tc.component, tc.need)
	}
}
