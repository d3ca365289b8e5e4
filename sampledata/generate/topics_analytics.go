package generate

// analyticsTopics are about reports and links. The CSV and PDF exports share "export" and
// "report" but fail differently: the CSV lost columns, the PDF times out.
func analyticsTopics() []topic {
	return []topic{csvExportMissingColumns(), pdfExportTimeout(), shortLinks404()}
}

func csvExportMissingColumns() topic {
	return topic{
		key: "csv_export_missing_columns", kind: bug, count: 26, window: [2]int{25, 1},
		page: "https://app.postwise.example/analytics/posts",
		slots: map[string][]string{
			"col":    {"Engagement rate", "Link clicks", "Saves", "Video views", "engagement rate", "link clicks"},
			"report": {"Analytics > Posts", "the Performance report", "the Instagram analytics", "the post-level report", "the Overview tab"},
			"tool":   {"Google Sheets", "Excel", "Looker Studio", "our BI tool", "Power BI", "our reporting template"},
		},
		subjects: []string{
			"CSV export missing columns",
			"{col} column gone from export",
			"Analytics export incomplete",
			"CSV download no longer has {col}",
			"Export CSV broken since update",
			"Missing data in analytics csv",
			"csv export - columns missing",
			"Where did {col} go in the export?",
			"Export file changed?",
		},
		openers: []string{
			"Since [your last update|the November release|last week], the CSV export from {report} no longer includes the {col} column. [We need it for monthly client reports.|Our reporting template depends on it.]",
			"The analytics CSV is missing columns: {col} and [Saves|Video views] used to be there. Now the file only has date, post, impressions and likes.",
			"csv export missing {col}???",
			"When I export post analytics as CSV, [several|some] columns are gone ({col} especially) even though the dashboard shows the numbers.",
			"Our {tool} dashboard broke because the Postwise CSV changed. Columns are missing [and the order changed|and some headers were renamed]. Can you restore the old format?",
			"Exporting to CSV from {report}: the numbers for {col} show on screen but aren't in the downloaded file.",
			"I need {col} in my export for a client meeting [tomorrow|on Friday]. It's not in the CSV anymore. Is this intentional??",
			"Bug report: Analytics > Export > CSV. Expected columns: {col}, Saves, Link clicks. Actual: those columns missing. Tried on {browser} and a different account, same thing.",
			"The CSV export seems to have lost some columns. The file opens fine in Excel but {col} is gone. [The PDF still shows it.|The dashboard still shows it.]",
			"Downloaded the LinkedIn analytics csv, half the metrics are missing. {col} column isn't there at all.",
			"the export doesn't have all the data anymore, specifically {col}. we pay for {plan} for the reporting",
			"We automate a weekly import of the CSV into {tool} and since {since} it fails because the {col} column doesn't exist anymore.",
			"Fewer columns in the spreadsheet export than before. Was {col} removed on purpose?",
			"Our monthly numbers don't add up because the exported file has no {col}.",
		},
		vague: []string{
			"The analytics export isn't right anymore.",
			"Our report numbers are missing stuff.",
		},
		follows: []string{
			"It's the export from {report}, date range last 30 days, all channels.",
			"I compared with an export from September — that one had {col}, Saves and Link clicks. The new one has 9 columns instead of 14.",
			"The PDF report is fine, it's only the CSV.",
			"Happens for every channel I tried (Instagram, Facebook, LinkedIn).",
			"Attached two files: old export and new export, you can see the missing columns.",
		},
		replies: []string{
			"Could you tell me which report you're exporting from and send me the list of columns you see in the file?",
			"Sorry about that. Is this the CSV from Analytics > Posts or from a custom report? And do you remember roughly when the export last had all columns?",
			"Can you confirm the missing columns are absent from the file (not just empty)? That helps me route it correctly.",
		},
		closers: []string{
			"I reproduced it. The November update accidentally dropped some metric columns (engagement rate, saves, link clicks) from the CSV export. Engineering is restoring them. In the meantime, the Export all metrics (beta) option under the ⋯ menu still includes the full set of columns.",
			"This is a bug introduced in our latest release and it's been escalated. The data is still there — only the export is affected. I'll update you as soon as the fix ships; until then the API endpoint /v2/analytics/posts returns every metric.",
			"Confirmed, and I'm sorry this broke your reporting. We're restoring the previous column set and order in the next release. I've linked this conversation so you'll hear from us when it's out.",
		},
	}
}

func pdfExportTimeout() topic {
	return topic{
		key: "pdf_export_timeout", kind: bug, count: 22, window: [2]int{60, 1},
		page: "https://app.postwise.example/analytics/reports",
		slots: map[string][]string{
			"range":   {"90 days", "last quarter", "6 months", "the whole year", "Q3", "the last 3 months"},
			"chcount": {"6 channels", "12 channels", "all 9 profiles", "every client account", "14 channels"},
			"err5":    {"504 Gateway Timeout", "Export failed: request timed out", "Something went wrong, please try again", "error 504"},
		},
		subjects: []string{
			"PDF export times out",
			"PDF report never finishes generating",
			"Can't download PDF report",
			"Export to PDF stuck",
			"PDF report export failing ({err5})",
			"report pdf won't download",
			"PDF export spinning forever",
			"Quarterly report won't generate",
		},
		openers: []string{
			`When I export the analytics report as PDF for {range}, it spins for [a few minutes|ages|about 5 minutes] and then says "{err5}".`,
			"PDF export is stuck on Generating report… [forever|for 20+ minutes]. Shorter date ranges work, but we need {range} for the quarterly review.",
			"pdf report won't export. just keeps loading",
			"Our monthly client report in PDF fails every time with {err5}. It includes {chcount}. The CSV export works but clients want the PDF.",
			"The PDF download button on the report page [does nothing|greys out and nothing happens] for longer ranges, and for {range} I get {err5}.",
			"Trying to export a PDF of the performance report for {range} across {chcount} — it times out. Is there a size limit?",
			"Our scheduled weekly PDF report [didn't arrive|never arrived] and when I try to generate it manually it times out.",
			"Export to PDF broken? {err5}. [Tried Chrome and Safari.|Tried two browsers.]",
			"I've been trying to download a PDF report for [an hour|all morning]. It always fails right at the end. Client meeting [in 2 hours|this afternoon]!",
			"Generating a PDF for an agency client with {chcount}: the progress bar gets to about 90% and then {err5}.",
			"Report PDF takes forever and then errors out. Same report as CSV downloads instantly.",
		},
		vague: []string{
			"Reports aren't working.",
			"Can't get my report out of Postwise.",
		},
		follows: []string{
			"Date range {range}, {chcount}, with the branded template.",
			"It works if I pick only one channel, or the last 7 days.",
			"I tried {browser} and also Safari, same error.",
			"The CSV export of the same report works fine, it's only PDF.",
		},
		replies: []string{
			"Sorry about this! Which date range and how many channels are in the report? Large PDFs sometimes run into a time limit.",
			"Could you try again and send me the time it failed (with timezone) so we can find it in our logs?",
		},
		closers: []string{
			"That's a known limitation we're treating as a bug: PDF reports with long date ranges or many channels exceed our 60-second generation limit. Engineering is moving PDF generation to a background job that emails you the file. Until then, splitting the report into shorter ranges (e.g. one month at a time) works.",
			"I was able to reproduce the timeout with a long date range. I've escalated it; as a workaround, export per channel or per month, or use the CSV export, which doesn't have the limit.",
			"I've generated the PDF for you from our side and attached it. The timeout for large reports is with our engineering team — I'll let you know when it's fixed.",
		},
	}
}

func shortLinks404() topic {
	return topic{
		key: "short_links_404", kind: bug, count: 13, window: [2]int{40, 1},
		page: "https://app.postwise.example/settings/links",
		slots: map[string][]string{
			"cdomain": {"go.fernfig.example", "links.northloop.example", "lnk.brightlane.example", "go.kettlecoffee.example"},
			"code":    {"a8Kd2", "Qm3xT", "r7WbZ", "hG41p", "Zt9Lq"},
		},
		subjects: []string{
			"Short links returning 404",
			"pwse.link links broken",
			"Link shortener not working - link not found",
			"Old short links dead after custom domain",
			"Broken links in our posts",
			"links in bio not working",
		},
		openers: []string{
			"The short links in our older posts (pwse.link/...) now go to a 404 Link not found page. We set up our custom domain {cdomain} [last week|recently] — did that break the old links?",
			"People are commenting that the links in our posts don't work. Clicking them gives Link not found. These are Postwise short links.",
			"pwse.link 404. all our bio links dead",
			"Since switching on the branded short domain, every link created before that returns 404. We have hundreds of posts with those links out there!",
			"Shortened links from last month don't redirect anymore, new ones do. Link click analytics also dropped to zero.",
			"Customers can't reach our shop from Instagram: pwse.link/{code} says the link doesn't exist.",
		},
		follows: []string{
			"Example: pwse.link/{code} — should go to our shop page.",
			"The custom domain {cdomain} was added in Settings > Links on {since}.",
		},
		replies: []string{"Sorry about this! Could you send one of the broken links so I can look it up?"},
		closers: []string{
			"This is a bug: when a custom short domain is enabled, links created on pwse.link before that aren't redirected anymore. Engineering is on it. If you need them working right away, temporarily disable the custom domain in Settings > Links and the old links work again.",
			"I've escalated this as urgent since it affects live posts. Your old links are still stored — nothing was lost — and they'll redirect again once the fix is out (expected within a few days).",
		},
	}
}
