package generate

// smallTopics are real issues reported only once or twice, so a grouping has orphans.
func smallTopics() []topic {
	return []topic{
		{
			key: "canva_import_fails", kind: bug, count: 2, window: [2]int{20, 1},
			page:     "https://app.postwise.example/compose",
			subjects: []string{"Canva import error", "Couldn't fetch design from Canva"},
			openers: []string{
				`When I click Import from Canva in the composer and choose a design, I get "Couldn't fetch design from Canva". It worked last month.`,
				"canva integration broken? error couldnt fetch design. its a multi-page design, trying to make a carousel",
			},
			closers: []string{"We're looking into Canva imports failing for multi-page designs. As a workaround, download the design from Canva as PNGs and upload them to the composer."},
		},
		{
			key: "webhook_signature_mismatch", kind: bug, count: 2, window: [2]int{30, 1},
			page:     "https://developers.postwise.example/webhooks",
			subjects: []string{"Webhook signature mismatch", "API webhooks: X-Postwise-Signature invalid"},
			openers: []string{
				"Our webhook endpoint can't verify the X-Postwise-Signature header on post.published events anymore. We compute HMAC-SHA256 of the raw body with the signing secret as the docs say and it doesn't match. Did the signing scheme change?",
				"Webhook signatures from your API fail verification since [Tuesday|the 18th]. Same code worked for a year. Are you including the timestamp in the signed payload now?",
			},
			closers: []string{"You're right: a recent change started signing the timestamp plus body (t=...,v1=...) for new endpoints and it leaked to existing ones. We're rolling it back; in the meantime, verifying timestamp.body as the payload works."},
		},
		{
			key: "hashtag_suggestions_wrong_language", kind: bug, count: 1, window: [2]int{15, 1},
			page:     "https://app.postwise.example/compose",
			subjects: []string{"Hashtag suggestions in wrong language"},
			openers: []string{
				"The hashtag suggestions in the composer come back in German (#urlaub, #sonnenuntergang) even though our workspace language and captions are English. Started this week.",
			},
			closers: []string{"It looks like the suggestions use your browser's locale instead of the workspace language. I've reported it to the team."},
		},
	}
}
