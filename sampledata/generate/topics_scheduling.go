package generate

// schedulingTopics are about when posts go out: the calendar's daylight-saving shift, the bulk
// scheduler's date parsing (shares "CSV" with the analytics export) and recurring posts.
func schedulingTopics() []topic {
	return []topic{calendarTimezoneShift(), bulkUploadDateFormat(), howtoEvergreenQueue()}
}

func calendarTimezoneShift() topic {
	return topic{
		key: "calendar_timezone_shift", kind: bug, count: 32, window: [2]int{33, 1},
		page: "https://app.postwise.example/calendar",
		slots: map[string][]string{
			"tz":   {"Europe/London", "Europe/Berlin", "America/New_York", "America/Chicago", "Europe/Madrid", "America/Denver", "Europe/Amsterdam", "Europe/Dublin"},
			"hour": {"one hour", "an hour", "1h", "60 minutes", "exactly one hour"},
			"dir":  {"early", "late", "too early", "too late"},
			"pair": {"I set 9:00 and it went out at 8:00", "I set 10:30 and it went out at 11:30", "scheduled for 18:00, published at 17:00",
				"planned for 12:00, live at 13:00", "picked 7:45 and it posted at 6:45", "chose 3pm, it went out at 4pm"},
		},
		subjects: []string{
			"Posts publishing [an hour early|one hour late|at the wrong time]",
			"Wrong time on scheduled posts since [the clocks changed|DST]",
			"Timezone issue in calendar",
			"Calendar shows a different time than I picked",
			"Daylight saving time bug?",
			"scheduled times off by 1 hour",
			"Everything is posting {hour} {dir}",
			"Time zone setting ignored",
			"Post went out at the wrong time",
		},
		openers: []string{
			"Since the clocks went back, all our posts are going out {hour} {dir}. Example: {pair}. Workspace timezone is set to {tz}.",
			"I picked [9:00|10:30|14:00] in the composer but the calendar shows the post an hour [earlier|later]. Which one is right??",
			"everything posting 1 hour off since DST. pls fix",
			"After the daylight saving change our scheduled posts are [one hour|an hour] {dir}. The times in the calendar look correct, but the actual publish time on [Instagram|LinkedIn|Facebook] is off.",
			"Our timezone in Settings > Workspace is {tz}, my laptop is on [UTC|a different timezone because I'm travelling], and the calendar seems to use my laptop time instead of the workspace timezone. Posts go out at the wrong hour.",
			"We had a webinar promo scheduled for [10:00 sharp and it went out at 9:00|18:00 sharp and it went out at 19:00]. [Really embarrassing.|Not great.|People were confused.]",
			"Is the calendar not handling daylight saving time? Posts scheduled before the switch (for dates after it) are all shifted by {hour}.",
			"The best-time-to-post slots are all {hour} {dir} compared to last month. Did something change with time zones?",
			"When my colleague in [New York|London|Berlin] opens the calendar she sees different times than I do, and the posts publish at neither of them.",
			"Our recurring {weekday} post went out {hour} {dir} this week. Nothing changed in our settings ({tz}).",
			"Time zone bug: {pair}. Happened on every channel, [all|about 20] posts this week.",
			"my posts are posting at the wrong time. its like an hour {dir}??",
			"We're in {tz}. Since {since} every scheduled post is off by {hour}. We had to reschedule [the whole week|everything] manually.",
			"The schedule is wrong by {hour} for anything I planned in October. Stuff I schedule now is fine.",
			"Queue times shifted. Our morning slot now fires {hour} {dir}.",
		},
		vague: []string{
			"Our posts aren't going out when they should.",
			"Something weird with the scheduling times.",
			"the calendar is wrong",
		},
		follows: []string{
			"Workspace timezone is {tz}. My computer is set to the same. Browser {browser}.",
			"The {weekday} post for example — {pair}.",
			"Only posts that were scheduled before the clocks changed are affected. New ones seem fine.",
			"It's all channels — Instagram, LinkedIn, Facebook.",
			"I checked and the queue slots themselves also moved {hour}.",
		},
		replies: []string{
			"Sorry for the trouble! Could you tell me the timezone set under Settings > Workspace and an example post (scheduled time vs. the time it actually published)?",
			"Were the affected posts scheduled before the daylight saving change, for a date after it? That helps me confirm whether it's the issue we're investigating.",
			"I'm sorry about the mistimed posts. Which timezone is your workspace on, and which timezone is your computer set to?",
		},
		closers: []string{
			"That matches a bug we found: posts scheduled before the daylight saving change kept their UTC time instead of their local time, so they shift by an hour. A fix is being deployed; for posts already in the calendar, open the post and save it again (no changes needed) and it will recalculate the time.",
			"Our engineers have confirmed the DST bug. New posts are scheduled correctly; posts created before the switch need to be re-saved. We can also run a script to fix your calendar if you'd like — just reply yes and I'll do it.",
			"It looks like the calendar is displaying times in your browser's timezone rather than the workspace timezone ({tz}). This is a known bug and it's been escalated. As a workaround, use the time shown in the composer, which is always in workspace time.",
			"I've added your workspace to the bug report about the daylight saving time shift. I'll reply here once the fix is live.",
		},
	}
}

func bulkUploadDateFormat() topic {
	return topic{
		key: "bulk_upload_date_format", kind: bug, count: 15, window: [2]int{60, 1},
		page: "https://app.postwise.example/publishing/bulk",
		slots: map[string][]string{
			"row":  {"Row 2", "row 5", "Rows 2-31", "Row 14"},
			"dfmt": {"DD/MM/YYYY", "dd.mm.yyyy", "day/month/year", "the European date format"},
			"n":    {"40", "60", "25", "120"},
		},
		subjects: []string{
			"Bulk upload CSV rejected",
			"Bulk scheduler says invalid date",
			"CSV import for bulk scheduling not working",
			"Bulk upload [wrong dates|puts posts on wrong day]",
			"Invalid date format error on bulk import",
			"bulk schedule csv error",
		},
		openers: []string{
			`I'm trying to bulk schedule {n} posts with a CSV and the uploader rejects it: "{row}: invalid date". Our dates are in {dfmt}.`,
			"Bulk upload swaps day and month — a date like 04/11/2026 (4 November) ended up scheduled on April 11.",
			"bulk csv upload keeps failing with invalid date. used your template!!",
			"The bulk scheduler CSV import gives an error for every row with a day above 12. It seems to expect American dates. We're in [the UK|Germany|Australia] and our spreadsheet exports {dfmt}.",
			`Uploading a CSV in Publishing > Bulk schedule: "{row}: invalid date or time". The time column is 24h (e.g. 14:30). Is that the problem?`,
			"Why does the bulk uploader think 13/11/2026 is not a date?",
			"The bulk scheduling CSV imported without errors but all posts ended up on the wrong dates (day and month swapped). Had to delete {n} posts.",
			"Can't import my content plan. Bulk upload says invalid date on {row}, but the date is fine?",
		},
		follows: []string{
			`Here's a sample row: 13/11/2026,09:00,instagram,"Black Friday teaser"`,
			"The spreadsheet is from Excel with UK locale, saved as CSV UTF-8.",
			"If I change the dates to 2026-11-13 it works, but that's not documented anywhere.",
		},
		replies: []string{
			"Sorry about the trouble with the bulk upload! Could you send me the CSV (or the first few rows) so I can check the date format?",
		},
		closers: []string{
			"The bulk scheduler currently reads dates as MM/DD/YYYY regardless of your workspace locale — that's a bug we're fixing. Until then, please use ISO dates (YYYY-MM-DD, e.g. 2026-11-13) in the date column, which always work.",
			"I've confirmed the day/month mix-up and reported it to engineering. The safest format for now is YYYY-MM-DD. Sorry for the posts that landed on the wrong days — you can select them in the calendar list view and delete them in bulk.",
		},
	}
}

func howtoEvergreenQueue() topic {
	return topic{
		key: "howto_evergreen_queue", kind: howto, count: 7, window: [2]int{60, 1},
		page:     "https://app.postwise.example/publishing/queues",
		subjects: []string{"Recurring posts?", "How to repeat a post", "Evergreen content setup", "Can posts repeat every week?", "question about reposting"},
		openers: []string{
			"Is there a way to make a post repeat every week? We have a weekly Tip Tuesday post.",
			"How do I set up evergreen posts that get reshared automatically?",
			"can i recycle old posts automatically",
			"I'd like some posts to go out again every month. How do I set that up in Postwise?",
			"We have about 30 evergreen blog posts. Can Postwise rotate through them on a schedule?",
		},
		follows: []string{"Ideally the same post wouldn't repeat more than once a month."},
		closers: []string{
			"Yes! Create a queue under Publishing > Queues, tick Evergreen (recycle posts), and add your posts to it. Postwise republishes them in order on the queue's time slots. You can set a minimum gap so the same post doesn't repeat too soon.",
			"For a fixed weekly post, open it in the composer, click the clock icon and choose Repeat > Weekly. For a rotating set of posts, use an Evergreen queue (Publishing > Queues).",
		},
	}
}
