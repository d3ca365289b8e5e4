package localmodel

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"feedbackpipe/review"
)

func excerptMembers(texts ...string) []review.Member {
	ms := make([]review.Member, len(texts))
	for i, text := range texts {
		ms[i] = review.Member{Ref: string(rune('a' + i)), Signature: "email_not_received", Component: "email",
			ActionType: "bug_report", Direction: "deficit", UserIntent: "Email is not received",
			Symptoms: []string{"The email is not received"}, Excerpt: text}
	}
	return ms
}

// Two issues agreeing on every facet (an email not received) are told apart by what their
// customers write about: the password reset and the booking confirmation.
func TestReviewSplitsOnDistinguishingWords(t *testing.T) {
	ms := excerptMembers(
		"reset password link never arrives", "forgot my password, reset mail doesnt show up",
		"can't log in and the password reset email never comes", "I requested a reset 5 times, no email arrived",
		"new staff member can't log in, the reset email is missing",
		"booked online but never got a confirmation email", "the client gets no email confirming the time",
		"our customers aren't receiving the booking confirmation emails anymore", "is my appointment confirmed?",
		"Je n'ai reçu aucun e-mail de confirmation", "the email never arrives")
	a := decideReview(reviewGroup(ms...))
	require.Equal(t, review.DecisionSplit, a.Decision)
	require.Len(t, a.Parts, 2)
	sizes := []int{len(a.Parts[0].Members), len(a.Parts[1].Members)}
	assert.ElementsMatch(t, []int{5, 6}, sizes, "reset and confirmation apart, the vague one with either")
}

// One issue written two ways by three customers each, or a message three customers sent alike,
// is no second issue.
func TestReviewKeepsAGroupWhoseWordsDifferLittle(t *testing.T) {
	same := excerptMembers(
		"Any plans for an auto first comment feature?", "any plans for an auto first comment feature?",
		"Hey, any plans for an auto first comment feature?",
		"It would be great if the composer had a first comment field", "add a first comment when scheduling",
		"can you post a comment on my post right after it publishes?", "first comment for posts please",
		"a composer field for the first comment", "first comment for hashtags")
	assert.Equal(t, review.DecisionKeep, decideReview(reviewGroup(same...)).Decision)
}
