package generate

func thanksTopics() []topic {
	t := noise("noise_thanks", thanks, 18,
		[]string{"Re: {resubj}", "Thank you!", "Re: Your conversation with Postwise", "Thanks", "All sorted", "Re: {resubj}"},
		[]string{
			"Thanks, that fixed it!",
			"All good now, you can close this.",
			"Thank you {agent}, super helpful as always 🙏",
			"Perfect, thanks for the quick help!",
			"ok thx",
			"Thanks so much — that worked.",
			"Just wanted to say the new calendar view is great. Thanks team!",
			"Got it, thanks.",
			"That did the trick. Have a nice weekend!",
			"Thanks for getting back to me so quickly. Everything works now.",
		},
		[]string{
			"Glad to hear it! I'll close this conversation — just reply if anything else comes up.",
			"You're welcome, {first}! Have a great day.",
			"Happy to help 🙌",
		})
	t.slots = map[string][]string{"resubj": {"Instagram keeps disconnecting", "Posts publishing an hour early", "CSV export missing columns", "PDF report never finishes generating", "Instagram post failed to publish", "Invoice request", "How do I add a team member?"}}
	return []topic{t}
}

func spamTopics() []topic {
	one := func(count int, subjects []string, body string) topic {
		return noise("noise_spam", spam, count, subjects, []string{body}, nil)
	}
	return []topic{
		one(2, []string{"Website improvement", "Quick question", "SEO audit"}, "I noticed your website isn't ranking on the first page of Google. We offer affordable SEO packages starting at $99/month. Reply YES for a free audit."),
		one(2, []string{"Guest post", "Collaboration"}, "Guest post opportunity on our high-DA marketing blog — $150 per article, dofollow links, fast turnaround."),
		one(1, []string{"RE: Proposal"}, "We can build your mobile app at 40% lower cost. Our team of 50+ developers has delivered 300+ projects. Can we schedule a call?"),
		one(2, []string{"Your account verification", "Action required: verify your account"}, "Congratulations! Your Instagram account has been selected for verification. Claim your blue badge here: http://verify-badge.example.net"),
		one(2, []string{"Boost your Instagram growth 🚀", "Grow your followers"}, "Buy 10k real Instagram followers — instant delivery, 100% safe! Best price guaranteed."),
		one(1, []string{"Supplier inquiry"}, "Dear Sir/Madam, we are a leading manufacturer of LED lights and would like to become your supplier."),
		one(1, []string{"Partnership opportunity"}, "I want to offer you lead generation services. We deliver 50 qualified B2B leads per week. Interested?"),
		one(1, []string{"Paid partnership"}, "Hello, I am a crypto influencer with 200k followers. Let's do a paid partnership, send me your rate card."),
		one(1, []string{"Domain expiry notice"}, "Your domain postwise.example is expiring soon! Renew now at a discounted price to avoid losing it."),
		one(1, []string{"Hire a VA"}, "Looking for a virtual assistant? We provide full-time VAs from $6/hour."),
	}
}

func generalTopics() []topic {
	const key = "noise_general"
	return []topic{
		noise(key, general, 3, []string{"Data location / GDPR", "Where is our data stored?", "GDPR question"},
			[]string{"Where are your servers located? We need to know for GDPR.", "Do you have a DPA we can sign? Our legal team is asking.", "Is customer data stored in the EU?"},
			[]string{"Our data is hosted in the EU (Frankfurt). You can download and sign our DPA at postwise.example/legal/dpa."}),
		noise(key, general, 3, []string{"Demo request", "Can we get a demo?", "Onboarding call"},
			[]string{"Can we get a demo for our marketing team of 15 people?", "We're evaluating tools for our agency, could someone walk us through Postwise?", "is there a live demo"},
			[]string{"Absolutely! You can book a demo with our team here: postwise.example/demo. Pick any slot that works for you."}),
		noise(key, general, 2, []string{"Affiliate program", "Partner program?"},
			[]string{"Do you have an affiliate program? I run a small marketing newsletter.", "Is there a partner program for agencies that refer clients?"},
			[]string{"Yes — you can apply at postwise.example/partners. Partners get 20% recurring commission."}),
		noise(key, general, 2, []string{"Job application", "Are you hiring?"},
			[]string{"Are you hiring? I'd love to join the support team.", "Hi, I'm a frontend developer and love your product. Any open roles?"},
			[]string{"Thanks for your interest! Open roles are listed at postwise.example/careers."}),
		noise(key, general, 2, []string{"Student research interview", "Thesis interview request"},
			[]string{"I'm a student writing a thesis on social media management tools — could I interview someone from your team for 20 minutes?", "Could I ask you a few questions for a university project about scheduling tools?"},
			[]string{"Happy to help! Please send your questions to press@postwise.example and our team will get back to you."}),
		noise(key, general, 2, []string{"Security questionnaire", "SOC 2?"},
			[]string{"Is Postwise SOC 2 compliant? Our security team needs the report.", "Do you support SSO with Okta?"},
			[]string{"We're SOC 2 Type II certified; you can request the report at postwise.example/security. SSO (SAML) is available on the Agency plan."}),
		noise(key, general, 2, []string{"Parcel delivery", "hello"},
			[]string{"Hello, I'm trying to reach Postwise Logistics about a parcel that never arrived. Tracking number PW88314.", "hello? is anyone there"},
			[]string{"Hi! I think you may be looking for a different company — Postwise is a social media scheduling tool. Sorry we can't help with the parcel!", "Hi, yes — how can we help?"}),
		noise(key, general, 1, []string{"Status page"},
			[]string{"Do you have a status page I can subscribe to?"},
			[]string{"Yes: status.postwise.example. You can subscribe to email or Slack updates there."}),
	}
}
