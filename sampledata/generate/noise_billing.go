package generate

// noiseTopics are the non-actionable conversations: billing, thanks, spam and general inquiries.
func noiseTopics() []topic {
	var ts []topic
	ts = append(ts, billingTopics()...)
	ts = append(ts, thanksTopics()...)
	ts = append(ts, spamTopics()...)
	ts = append(ts, generalTopics()...)
	return ts
}

func noise(key string, k kind, count int, subjects, openers, closers []string) topic {
	return topic{key: key, kind: k, count: count, window: [2]int{60, 1}, page: "https://app.postwise.example/settings/billing",
		subjects: subjects, openers: openers, closers: closers}
}

func billingTopics() []topic {
	const key = "noise_billing"
	return []topic{
		noise(key, billing, 6,
			[]string{"Refund request", "Refund please", "Billing question", "Unexpected charge"},
			[]string{
				"I was charged {amount} for the renewal [yesterday|this morning] but we stopped using Postwise months ago. Can I get a refund?",
				"Please refund the last charge, I forgot to cancel the trial.",
				"we were charged twice this month?? refund pls",
				"Hi, the annual plan renewed automatically and I didn't get a reminder. Is a refund possible? We haven't logged in since.",
			},
			[]string{
				"I've processed a refund of {amount} to the card on file; it should show up within 5-10 business days. Your workspace is now on the free plan.",
				"Sorry for the confusion! I can see the duplicate charge and have refunded it. You'll get a confirmation email shortly.",
				"I've refunded the renewal and cancelled the subscription, so you won't be charged again.",
			}),
		noise(key, billing, 6,
			[]string{"Invoice request", "Need invoice with VAT number", "Where are my invoices?", "invoice address"},
			[]string{
				"Can you send me an invoice for [October|November] with our company address and VAT number on it?",
				"Where can I download our invoices? Our accountant needs all of them for this year.",
				"Our accounting needs invoices addressed to {company}, not to my name. Can you change that?",
				"invoice for last payment pls, for {company}",
			},
			[]string{
				"You can download every invoice under Settings > Billing > Invoices. If you add your company name, address and VAT ID there, they appear on all invoices, including past ones.",
				"I've updated the billing details to {company} and re-issued the last three invoices — you'll find them under Settings > Billing > Invoices.",
			}),
		noise(key, billing, 8,
			[]string{"Upgrade question", "Downgrade plan", "Switch to annual billing", "Change of plan", "Plan change"},
			[]string{
				"We'd like to upgrade from {plan} to Agency. Will we be charged the full amount right away or prorated?",
				"How do I downgrade to Starter? We only need 3 channels now.",
				"Can we switch from monthly to annual billing and get the discount?",
				"If I add two more seats mid-month, how is that billed?",
				"what's the price difference between Team and Agency per month",
			},
			[]string{
				"Upgrades are prorated: you only pay the difference for the rest of the current billing period. You can change plans any time under Settings > Billing.",
				"You can switch to annual billing under Settings > Billing > Change plan; annual plans are 20% cheaper and the unused part of your monthly plan is credited.",
				"Downgrades take effect at the end of the current billing period, so you keep your current features until then. Just pick the new plan under Settings > Billing.",
			}),
		noise(key, billing, 5,
			[]string{"Cancel subscription", "Cancellation", "Please cancel our account", "how to cancel"},
			[]string{
				"Please cancel our subscription at the end of the current period.",
				"How do I cancel? We're closing the business at the end of the year.",
				"cancel my plan please",
				"We've decided to move our social media in-house to another tool. Please cancel and confirm we won't be charged again.",
			},
			[]string{
				"Done — your subscription is cancelled and won't renew. You can keep using Postwise until the end of the current billing period.",
				"Sorry to see you go! I've cancelled the subscription; you'll receive a confirmation email. Your data is kept for 90 days in case you change your mind.",
			}),
		noise(key, billing, 3,
			[]string{"Card declined", "Payment failed", "Account locked after payment failure"},
			[]string{
				"Our card was declined and now the account is locked. I've updated the card, how do I retry the payment?",
				"Got an email that the payment failed. The card is fine, what's wrong?",
			},
			[]string{"Thanks! I've retried the payment with the new card and it went through, so your workspace is unlocked again."}),
	}
}
