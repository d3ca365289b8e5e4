package generate

// requestTopics are feature requests. The first-comment request shares "Instagram" and "posts"
// with the Instagram bugs but asks for something new.
func requestTopics() []topic {
	return []topic{firstCommentRequest(), blueskyThreadsRequest(), darkModeRequest()}
}

func firstCommentRequest() topic {
	return topic{
		key: "fr_instagram_first_comment", kind: feature, count: 16, window: [2]int{60, 1},
		page: "https://app.postwise.example/compose",
		subjects: []string{
			"Feature request: schedule first comment",
			"First comment on Instagram posts?",
			"Can you add auto first comment",
			"Hashtags in first comment",
			"Suggestion - first comment scheduling",
			"idea for the composer",
		},
		openers: []string{
			"Would love to be able to schedule a first comment with my Instagram posts so I can put the hashtags there instead of in the caption. [Other tools have this.|Is this on the roadmap?]",
			"Is there a way to add a first comment when scheduling to Instagram? If not, please consider adding it!",
			"feature request: first comment for IG posts (for hashtags)",
			"We're an agency and all our clients want hashtags in the first comment, not the caption. Right now I have to open Instagram after every post and add the comment by hand. Please add this.",
			"Any plans for an auto first comment feature? It's the only thing that keeps us from moving all our clients to Postwise.",
			"It would be great if the composer had a First comment field for Instagram and LinkedIn. I'd vote for this twice if I could 🙂",
			"Can Postwise post a comment on my Instagram post right after it publishes? For hashtags and links. Couldn't find it in the composer.",
			"Suggestion: let us schedule the first comment. Captions look cluttered with 30 hashtags.",
		},
		follows: []string{
			"Ideally it would post the comment within a minute of the post going live, for Instagram and LinkedIn.",
			"It would be nice if we could save hashtag sets and drop them into the first comment.",
		},
		closers: []string{
			"Thanks for the suggestion! First comment scheduling isn't available yet, but it's one of the most requested features. I've added your vote and shared your use case with our product team.",
			"Great idea — I've logged this as a feature request and added your workspace so you'll get an email if it ships. For now, a workaround is to save your hashtags as a snippet and paste them as a comment from the mobile app after publishing.",
			"Not at the moment, sorry! I've passed your feedback to the product team — first comments for Instagram are on our list to explore.",
		},
	}
}

func blueskyThreadsRequest() topic {
	return topic{
		key: "fr_bluesky_threads", kind: feature, count: 11, window: [2]int{60, 1},
		page:     "https://app.postwise.example/settings/channels",
		subjects: []string{"Bluesky support?", "Feature request: Threads integration", "Will you add Bluesky and Threads?", "Please add Threads", "new channels"},
		openers: []string{
			"Any plans to support Bluesky? A lot of our audience moved there and we'd love to schedule to it from Postwise.",
			"Feature request: Threads as a channel. We post the same content to Instagram and Threads and do it by hand now.",
			"do you support bluesky yet",
			"We'd really like to see Threads and Bluesky added as channels. Is that on the roadmap?",
			"Is a Threads integration coming? It's the only network we can't schedule to with you.",
			"Our clients keep asking about Bluesky. Can Postwise publish there?",
		},
		closers: []string{
			"Thanks for asking! We don't support that network yet, but it's on our roadmap and I've added your vote. We'll announce it in the changelog when it's available.",
			"Not yet, sorry! I've shared your request with our product team — Bluesky and Threads are among the most requested channels.",
		},
	}
}

func darkModeRequest() topic {
	return topic{
		key: "fr_dark_mode", kind: feature, count: 10, window: [2]int{60, 1},
		page:     "https://app.postwise.example/settings/profile",
		subjects: []string{"Dark mode?", "Feature request: dark theme", "Please add dark mode", "dark mode for the web app", "Night mode"},
		openers: []string{
			"Is there a dark mode? I work late and the bright calendar is painful 😅",
			"Feature request: dark theme for the web app (and the mobile app).",
			"pls add dark mode",
			"Would you consider adding a dark mode? My whole OS is in dark mode and Postwise is the only white screen left.",
			"Any news on dark mode? I saw it mentioned in a community post last year.",
		},
		closers: []string{
			"Thanks for the suggestion! Dark mode isn't available yet, but I've added your vote. The mobile app already follows your phone's dark mode; the web app is on the list.",
			"Not yet — but you're not the only one asking! I've passed it on to our product team.",
		},
	}
}
