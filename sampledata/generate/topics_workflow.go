package generate

// workflowTopics are about teams: approval e-mails that never arrive, and how to invite people.
func workflowTopics() []topic {
	return []topic{approvalEmailsMissing(), howtoInviteTeammate()}
}

func approvalEmailsMissing() topic {
	return topic{
		key: "approval_emails_missing", kind: bug, count: 14, window: [2]int{30, 1},
		page: "https://app.postwise.example/approvals",
		slots: map[string][]string{
			"role": {"our client", "my manager", "the account owner", "the client's marketing lead"},
		},
		subjects: []string{
			"Approvers not getting notified",
			"No email when post is submitted for approval",
			"Approval workflow notifications not working",
			"Posts stuck in Awaiting approval",
			"Client never received approval request",
		},
		openers: []string{
			"When my team submits a post for approval, the approver ({role}) doesn't get any email. Posts just sit in Awaiting approval and miss their publish time.",
			"Our client approver hasn't received a single approval request email [since last week|this month]. [Spam folder checked.|Nothing in spam either.]",
			"approval emails not sending",
			"We use the approval workflow for a client. The notification bell in the app shows the request, but no email goes out, and our client never logs in so posts never get approved.",
			"Is there an issue with approval notifications? Three posts for {weekday} expired in Awaiting approval because {role} never got the email.",
			"Approval requests used to arrive by email, now they don't. Notification settings for the approver have email enabled.",
		},
		follows: []string{
			"The approver is a client reviewer seat, not a full team member.",
			"I checked Settings > Notifications for her user and Approval requests is ticked for email.",
			"The last approval email we received was around {since}.",
		},
		replies: []string{
			"Could you give me the email address of the approver and the name of one post that was submitted, so I can check our email logs?",
		},
		closers: []string{
			"Our logs show the approval emails weren't sent to reviewer (client) seats after a recent change. Engineering is fixing it. In the meantime you can copy the approval link from the post (⋯ > Copy approval link) and send it to your client directly.",
			"I've escalated this to engineering; it's a bug affecting approval notifications for external reviewers. Sorry for the missed posts! As a workaround, the shareable approval link still works.",
		},
	}
}

func howtoInviteTeammate() topic {
	return topic{
		key: "howto_invite_teammate", kind: howto, count: 8, window: [2]int{60, 1},
		page:     "https://app.postwise.example/settings/team",
		subjects: []string{"How do I add a team member?", "Inviting a colleague", "Add user to workspace", "How to give my assistant access", "new user"},
		openers: []string{
			"How do I invite a colleague to our workspace? I can't find it in settings.",
			"I want to give my assistant access to schedule posts but not to billing. How do I do that?",
			"how to add another user",
			"We hired a new social media manager. How can I add her to Postwise, and does it cost extra on the {plan} plan?",
			"Can I add a client so they can only approve posts and not edit them?",
		},
		follows: []string{"She should be able to schedule posts for all our channels."},
		closers: []string{
			"Sure! Go to Settings > Team > Invite member, enter their email and choose a role. Editor can create and schedule posts, Admin can also manage channels and billing, and Reviewer can only approve posts. On the {plan} plan extra seats are billed monthly.",
			"You can do that under Settings > Team. Click Invite member, choose the Editor role (no billing access) and they'll get an email invite valid for 7 days.",
			"Yes! Invite them as a Reviewer from Settings > Team — reviewers are free and can only approve or comment on posts.",
		},
	}
}
