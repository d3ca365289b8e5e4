package generate

// instagramTopics are the Instagram issues. The first two share most of their vocabulary
// ("Instagram", "posts not going out") but need different fixes: a publish-time media error
// while the account stays connected, versus the account's access token expiring.
func instagramTopics() []topic {
	return []topic{instagramPublishFails(), instagramTokenExpired()}
}

func instagramPublishFails() topic {
	return topic{
		key: "instagram_publish_fails", kind: bug, count: 36, window: [2]int{44, 1},
		page: "https://app.postwise.example/calendar",
		slots: map[string][]string{
			"media": {"carousel", "reel", "video post", "carousel with a video in it", "Reel", "multi-image carousel with one video", "video"},
			"err":   {"IG-9007", "IG-9007: Media could not be processed", "error 9007", "IG_9007", `"Media could not be processed (IG-9007)"`},
			"src":   {"an MP4 exported from Premiere", "exported from CapCut", "a 45 second vertical video", "recorded on an iPhone", "a .mov from our designer"},
		},
		subjects: []string{
			"Instagram post failed to publish",
			"[Scheduled|Queued] {media} didn't [post|go out] on Instagram",
			"IG post stuck on Publishing then Failed",
			"Error {err} when publishing to Instagram",
			"Why do my instagram posts keep failing??",
			"Posts not going out to IG",
			"Failed post notification - Instagram",
			"Reels won't publish",
			"instagram publishing broken [again|?]",
			"Publishing failed",
			"Instagram video posts fail",
		},
		openers: []string{
			"Our {media} scheduled for {posttime} {ntime} didn't go out. In Postwise it [shows|is marked] as Failed with [the error|error code] {err}. The Instagram account is still connected[ and other posts went out fine|, I checked].",
			`{count} of our scheduled Instagram posts failed [this week|in the last few days]. Each one has a red "Failed" badge in the calendar. [When I hover it says|The tooltip says] {err}. [Nothing changed on our side.|We didn't change anything.]`,
			"instagram post failed again. {media}. [can you fix|pls fix|what is going on]",
			`I got the email "We couldn't publish your post to Instagram" [for the third time this week|again this morning]. The post is a {media}. The account shows as connected in Settings > Channels, so I don't understand why it fails.`,
			"Scheduled a {media} for a client launch {ntime} and it never went live. Postwise just says Publishing… for [ages|about 20 minutes] and then flips to Failed. Had to post it manually from my phone[ in front of the client|, which is the whole thing we pay you to avoid].",
			"Is something broken with Instagram publishing? [Anything|Every post] with a video fails, [images|plain image posts] still work.",
			"Posts to IG are failing at publish time with {err}. The Facebook and LinkedIn versions of the same post published [fine|without problems].",
			"When the scheduled time comes our Instagram {media} [doesn't publish|isn't published]. [I retried it twice|I clicked Retry] and got the same [error|result]: {err}. The video is {src}.",
			"We lost [two|three] days of Instagram content because [posts|everything we queued] failed silently. Only noticed because the client asked why nothing was posted. Error in the post details: {err}.",
			"my reel wont post to instagram it just fails. tried [3|4|5] times",
			"Instagram publishing failures since {since}. It's only the {media}s, image posts are ok. Error: {err}. Can you look into it?",
			"The Retry button on failed Instagram posts does nothing — it goes back to Failed after a minute. [Error|Code] {err}.",
			`Help! Client campaign went live on every network except Instagram. The post [status|detail panel] says "Media could not be processed". [It's a {media}.|Video is under 60 seconds and 1080x1920.]`,
			"Not sure if this is a bug but our carousels with a video slide fail every time, [while|but] image-only carousels publish [fine|ok].",
			"Post failed on Instagram. No error [shown|message], just the red Failed label. Account is connected and I'm the admin.",
			"Can someone explain why Postwise is telling me publishing failed on IG? {err}. This started [around|about] {since}.",
			"Our {media} was scheduled via the queue for {posttime}; at {posttime} I got a push notification: Post failed: Instagram. Reconnecting the channel didn't help, the account [was never disconnected|was connected the whole time] anyway.",
			"ig posts failing w/ {err} since the update",
			"Videos are not being published to our Instagram business account. Status = failed. Tried [smaller files|a different video|re-uploading] already.",
			"Why is every Instagram reel I schedule ending up as \"failed\"? {err}",
		},
		vague: []string{
			"Something's wrong with our posts, they're not going out.",
			"posts not publishing??",
			"We're having problems with scheduled posts today.",
			"A bunch of stuff didn't post {ntime}.",
		},
		follows: []string{
			"It's the {handle} account. The post was a {media}, scheduled for {posttime}. Error text: {err}.",
			"Happened on {count} posts. All of them had video. I uploaded the files [from Google Drive|straight from my laptop|from Canva].",
			"Tried [removing the video|swapping the video for an image] and then it posted [immediately|fine]. So it's definitely the video.",
			"Browser is {browser} on {os} if that matters. The video is [an MP4|a .mov] around [30|45|58] seconds.",
			"I attached a screenshot. It says {err} under the post preview.",
			"No, the account is still connected — Settings > Channels shows the green tick next to {handle}.",
		},
		replies: []string{
			"Sorry about the failed posts! Could you send me the link to one of them (in the calendar, click the post > Copy link) and tell me whether it contains a video? That helps us find the publish log.",
			"Could you confirm which Instagram account this is and roughly when the post was scheduled? If you can share the error text from the post details panel that's even better.",
			"I'm sorry this happened before a launch. Can you check whether the post had a video, or a carousel slide with a video? We're investigating an issue with Instagram rejecting some videos at publish time.",
			"We're seeing an increase in IG-9007 errors on Instagram video posts. Could you let me know the file format and length of the video so I can add it to the engineering ticket?",
		},
		closers: []string{
			"That confirms it. This is a known issue: Instagram is rejecting some videos after we transcode them (IG-9007). Our engineers are working on a fix. In the meantime, re-exporting the video as H.264 MP4 (30 fps, under 90 seconds) and re-uploading it usually lets the post go through. I've linked your conversation to the bug so we'll update you when it's fixed.",
			"I've passed this to our engineering team along with the post IDs — it matches a bug affecting video posts and carousels with a video slide. As a workaround, please re-upload the video after converting it to MP4/H.264; hitting Retry alone won't work because it reuses the same processed file.",
			"Our team has found the cause: a change on our side in how we process videos for Instagram. A fix is rolling out this week. Image posts are unaffected, and re-uploading videos as MP4 (H.264) works for most customers in the meantime. Sorry for the hassle!",
			"I've escalated this to engineering (it's the same problem several customers reported with Instagram video publishing). I'll follow up here as soon as we have an update.",
		},
	}
}

func instagramTokenExpired() topic {
	return topic{
		key: "instagram_token_expired", kind: bug, count: 28, window: [2]int{58, 1},
		page: "https://app.postwise.example/settings/channels",
		slots: map[string][]string{
			"err2":   {"OAuthException code 190", "error 190", "IG-190", "Error validating access token", "Session has expired", "Token expired"},
			"days":   {"2-3 days", "a few days", "about a week", "a day", "48 hours", "a couple of days"},
			"linked": {"our Facebook page", "the Facebook Business account", "our FB page", "the client's Facebook page"},
		},
		subjects: []string{
			"Instagram keeps disconnecting",
			"Have to reconnect Instagram every [few days|week]",
			"Reconnect Instagram banner won't go away",
			"Instagram access token expired",
			"instagram account disconnected AGAIN",
			"IG channel shows Reconnect required",
			"{err2} on Instagram channel",
			"Instagram connection lost",
			"Instagram not staying connected",
			"Why do I keep having to log in to Instagram again",
		},
		openers: []string{
			"Our Instagram account keeps getting disconnected. I reconnect it, it works for {days}, then the red banner \"Reconnect Instagram – your access token has expired\" is back.",
			"Every [couple of days|few days|morning] I get an email saying our Instagram channel needs to be reconnected. [This is getting old.|It's driving me crazy.] Why doesn't the connection stay?",
			"instagram disconnected again. 3rd time this week. posts in the queue didnt go out because of it",
			"The Instagram channel in Settings > Channels shows \"Token expired\" [and a yellow warning icon|with a Reconnect button]. I reconnected [yesterday|on Monday] and it happened again.",
			"Our scheduled Instagram posts didn't publish [over the weekend|last night]. When I logged in it said the account was disconnected and I had to log in to Facebook again. [How do I stop this from happening?|Is this a bug?]",
			"Getting {err2} on our Instagram channel. I've reconnected [twice|three times] through Facebook but it keeps expiring.",
			"Why does Postwise keep logging out of Instagram? Other tools we use stay connected [for months|without issues].",
			"We manage [8|12|15] client accounts and [half|most|several] of the Instagram channels showed Reconnect required this morning. Reconnecting each one [takes forever|means chasing clients for their Facebook logins]. Please fix.",
			"The reconnect flow for Instagram loops — I log into Facebook, pick {linked}, confirm, and then Postwise [still says|goes back to] Reconnect Instagram.",
			"Instagram token keeps expiring after {days}. We're on the {plan} plan.",
			"Is there a known issue with Instagram connections? Ours drops [constantly|all the time] and then nothing gets posted until I notice.",
			"Account disconnected message for IG [again|every other day]. I changed nothing in Facebook. It's a business account linked to {linked}.",
			"Posts are not going out on instagram because it says I need to reconnect the account. I did that [last week|on Friday] already!",
			"IG keeps asking me to re-authenticate. {err2}. Every {days} or so.",
			"Hey so my instagram got unlinked from Postwise again?? had to redo the whole facebook login thing",
		},
		vague: []string{
			"Instagram isn't working with Postwise anymore.",
			"nothing posted to IG this weekend, what happened?",
			"Problem with our Instagram.",
			"Our Instagram posts are not going out.",
		},
		follows: []string{
			"It's {handle}, a business account linked to {linked}. I'm an admin on the Facebook page.",
			"The message says \"{err2}\". Last reconnect was {ntime}.",
			"Yes I reconnected it, it worked for {days} and then it dropped again.",
			"We did change the Facebook password [a while ago|last month] but that was before this started.",
			"It's happening to [all|several of] our client accounts, not just one.",
			"I don't get any error, the channel just goes grey with Reconnect next to it.",
		},
		replies: []string{
			"Sorry about that! Could you tell me which Instagram account is affected, and whether you see a Token expired or Reconnect required message under Settings > Channels?",
			"To look into the disconnects, can you confirm you're an admin (not an editor) on the Facebook Page linked to the Instagram account, and roughly when you last reconnected?",
			"I'm sorry you're having to reconnect so often. Could you share the exact message you see on the channel? If it mentions error 190, the access token was revoked on Facebook's side.",
		},
		closers: []string{
			"It looks like the access token is being invalidated early. Please try this: remove the channel in Settings > Channels, then in Facebook go to Business Integrations and remove Postwise, and reconnect from scratch, ticking every page and permission. That issues a fresh long-lived token. Our engineers are also looking at why tokens expire early for some accounts.",
			"We've confirmed a bug where Instagram tokens aren't refreshed for accounts connected via Facebook Login for Business. Engineering is working on it. Until it's fixed, reconnecting restores publishing, and you can turn on Settings > Notifications > Channel disconnected so you get an alert right away.",
			"I've escalated this to our integrations team together with your account details. In the meantime, reconnecting the channel brings it back, and failed posts can be rescheduled from the Needs attention tab.",
			"Facebook revokes tokens when the person who connected the account loses admin rights on the Page or changes their password. Please have a Page admin reconnect the channel. If it still drops after that, reply here and we'll escalate it.",
		},
	}
}
