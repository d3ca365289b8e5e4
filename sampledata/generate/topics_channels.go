package generate

// channelTopics are about connecting LinkedIn pages and the iOS app's composer.
func channelTopics() []topic {
	return []topic{linkedinCompanyPageMissing(), mobileIOSVideoCrash()}
}

func linkedinCompanyPageMissing() topic {
	return topic{
		key: "linkedin_company_page_missing", kind: bug, count: 12, window: [2]int{60, 1},
		page: "https://app.postwise.example/settings/channels",
		slots: map[string][]string{
			"lipage": {"our company page", "the {company} page", "our LinkedIn business page"},
		},
		subjects: []string{
			"LinkedIn company page not showing",
			"Can't connect LinkedIn page",
			"Only my personal LinkedIn profile appears",
			"LinkedIn business page missing in list",
			"linkedin connect issue",
		},
		openers: []string{
			"When I connect LinkedIn, Postwise only shows my personal profile. Our company page isn't in the list even though I'm a super admin on it.",
			"Can't add our LinkedIn company page. The connect screen shows No pages found.",
			"linkedin page not showing up when connecting, only personal",
			"I'm trying to add {lipage} on LinkedIn as a channel. I authorised Postwise with LinkedIn, but the page selector is empty. I'm an admin of the page.",
			"We have two LinkedIn showcase pages and the main company page — none of them appear when connecting. My personal profile connects fine.",
			"How do I connect a LinkedIn page rather than my own profile? It only ever offers my profile.",
		},
		follows: []string{
			"My role on the page is Super admin, I double-checked in LinkedIn.",
			"I've tried removing Postwise in my LinkedIn settings and connecting again. Still only the personal profile.",
		},
		replies: []string{
			"Could you confirm your role on the LinkedIn page (Super admin, Content admin, ...)? Only some roles let us list the page.",
		},
		closers: []string{
			"We're seeing this for some admins since LinkedIn changed their page-permissions API. Engineering is working on it. Meanwhile a workaround that helps many customers: in LinkedIn, remove Postwise under Settings > Data privacy > Permitted services, then reconnect and approve the Manage your organization's pages permission.",
			"I've escalated this to our integrations team. It's a known issue with LinkedIn pages not being listed for some admins. We'll update you as soon as it's resolved.",
		},
	}
}

func mobileIOSVideoCrash() topic {
	return topic{
		key: "mobile_ios_video_crash", kind: bug, count: 18, window: [2]int{30, 1},
		page: "https://app.postwise.example/mobile",
		slots: map[string][]string{
			"iosver": {"iOS 26.1", "iOS 26.0.1", "iOS 26.1.1"},
			"device": {"iPhone 16 Pro", "iPhone 15", "iPhone 17", "iPhone 14 Pro Max", "iPhone 13 mini", "iPhone 16"},
			"appver": {"5.8.0", "5.8.1", "5.8.2"},
		},
		subjects: []string{
			"iOS app crashes when adding video",
			"App crash on iPhone when attaching video",
			"Mobile app closes when I pick a video",
			"Postwise app keeps crashing",
			"iPhone app crash - camera roll video",
			"crash when uploading video on iphone",
			"App quits",
		},
		openers: []string{
			"The iPhone app crashes every time I try to attach a video from my camera roll. Photos work fine. {device}, {iosver}.",
			"app keeps crashing when i add a video to a post. so annoying",
			"Since updating to version {appver} the Postwise app closes as soon as I select a video in the composer. [I've reinstalled it twice.|Reinstalling didn't help.]",
			"I do most of my scheduling on my phone and I can't upload any videos anymore — the app just quits. {device} on {iosver}.",
			"When I tap the + in the composer and choose a video from Photos, the app freezes for a second and then crashes back to the home screen.",
			"Mobile app bug: selecting a video (even a 10-second one) crashes the app. Images fine. App version {appver}.",
			"Can't post reels from the app anymore, it crashes when I pick the video from my gallery. My colleague on Android says hers works fine.",
			"Your iOS app is unusable for video. Crash. Every. Time.",
			"Phone app shuts down when attaching clips. {device}. Started after the latest update.",
		},
		vague: []string{"The app isn't working on my phone."},
		follows: []string{
			"{device}, {iosver}, app version {appver}.",
			"The videos were recorded on the phone itself, around [15|30|45] seconds.",
			"I tried turning off Optimize iPhone Storage and it still crashes.",
			"It also crashes if I share the video from Photos to Postwise.",
		},
		replies: []string{
			"Sorry about the crashes! Can you tell me your iPhone model, iOS version and the app version (Profile > About)?",
			"Does it happen with every video or only longer ones? And is the video stored in iCloud or on the device?",
		},
		closers: []string{
			"This is a known crash in app version {appver} on iOS 26 when the video is stored in iCloud. A fix (5.8.3) is in App Store review now. Until then, upload the video from the web app, or make sure the video is fully downloaded to the phone before picking it.",
			"I've passed this to our mobile team — it matches a crash we're tracking on iOS 26. As a workaround, use the web app (app.postwise.example) in Safari for video posts. Sorry for the inconvenience!",
		},
	}
}
