package main

// mobileSet is Tidy, a fictional habit-tracker and notes app for phones: consumers writing in
// short chat messages about login, sync and notifications. It is the holdout set: it is scored
// only for the final measurement, never tuned against.
func mobileSet() set {
	return set{name: "mobile", product: "Tidy", start: "2026-10-10T09:15:00Z",
		replies: []string{
			"Hi %s! Sorry for the trouble. Which phone and app version are you on?",
			"Hey %s, thanks for letting us know, our devs are on it.",
			"Hi %s, try Settings > Account > Sign out and back in, and let us know if that helps.",
		},
		issues: []issue{
			{"google_login_loop", 16, []string{
				"sign in with google just takes me back to the login screen",
				"Can't log in with Google | I tap Continue with Google, pick my account, and end up on the start screen again.",
				"google login loop on android",
				"stuck in a loop when logging in via Google",
				"Login keeps failing | Google sign-in finishes and the app asks me to sign in again. Over and over.",
				"no puedo entrar con google, vuelve a la pantalla de inicio",
				"google sign in doesnt work anymore, it just restarts the login",
				"Connexion avec Google impossible, ça revient toujours à l'écran de connexion",
			}},
			{"password_reset_email_missing", 14, []string{
				"never got the password reset email",
				"Reset email not arriving | I've requested a password reset 4 times, nothing in inbox or spam.",
				"forgot password link doesn't send anything",
				"no reset mail coming through",
				"i didnt receive the email to reset my password",
				"E-Mail zum Zurücksetzen des Passworts kommt nicht an",
			}},
			{"sync_not_working", 17, []string{
				"my notes aren't syncing between phone and ipad",
				"Sync broken | Habits I check off on my phone don't show up on my tablet.",
				"changes on my iphone never appear on the web app",
				"sync stopped working since yesterday",
				"Data not syncing across devices | Added 5 notes on android, my other phone shows none of them.",
				"la sincronización no funciona entre mis dispositivos",
				"the app doesnt sync, each device has different data",
				"a sincronização parou, o celular e o tablet mostram coisas diferentes",
			}},
			{"reminders_not_firing", 15, []string{
				"reminders dont go off",
				"No notifications | My daily 8am reminder hasn't fired in a week, notifications are allowed in settings.",
				"not getting any push notifications",
				"the reminder alerts stopped coming",
				"Notifications not working on iPhone | I never get the habit reminders anymore.",
				"je ne reçois plus les notifications de rappel",
				"my phone doesnt notify me for my habits",
			}},
			{"duplicate_notifications", 11, []string{
				"getting every reminder twice",
				"Double notifications | Each reminder pops up two times, a few seconds apart.",
				"notifications are duplicated",
				"the same push comes in 2 or 3 times",
				"Recibo cada notificación dos veces",
			}},
			{"crash_on_launch", 14, []string{
				"app crashes on startup since the update",
				"Crashes immediately | After updating to 5.2 the app closes as soon as I open it.",
				"tidy keeps crashing when i open it",
				"the app force closes at launch on my pixel",
				"can't open the app, it just shuts down",
				"App stürzt nach dem Update beim Start ab",
			}},
			{"widget_not_updating", 10, []string{
				"home screen widget doesnt update",
				"Widget stuck | The widget still shows yesterday's habits, even after I check them off in the app.",
				"widget is frozen on old data",
				"my widget never refreshes",
				"the ios widget shows the wrong day",
			}},
			{"fr_dark_mode", 10, []string{
				"please add dark mode",
				"Dark theme? | Would love a dark mode, the white screen is blinding at night.",
				"any plans for a dark theme",
				"dark mode would be great",
				"modo oscuro por favor",
			}},
			{"howto_export_data", 9, []string{
				"how can I export my notes?",
				"Backup | Is there a way to export all my data before I switch phones?",
				"how do i back up my habits",
				"where is the export option",
			}},
			{"streak_reset_wrong", 10, []string{
				"my streak reset to 0 even though I did my habit",
				"Lost my streak | Travelled to another time zone and my 120-day streak went back to zero.",
				"streak counter wrong after i checked in at 11pm",
				"streak got reset for no reason",
				"the app broke my streak, I completed it yesterday",
			}},
			{"restore_purchase_fails", 9, []string{
				"premium gone after reinstalling, restore purchase doesnt work",
				"Restore purchases | I paid for lifetime premium but after switching phones 'Restore' says no purchases found.",
				"lost my pro subscription when I reinstalled",
				"restore purchase button does nothing",
			}},
			{"apple_watch_request", 2, []string{
				"any chance of an apple watch app?",
				"Apple Watch | Would love to check off habits from my watch.",
			}},
			{"font_size_small", 1, []string{"text is too small to read, can I make the font bigger?"}},
			{"noise_thanks", 8, []string{
				"thanks!!", "that worked, thank you", "love the app, keep it up", "ok cool ty",
				"gracias, ya funciona", "you guys are the best", "super, danke", "all good now, thx"}},
			{"noise_spam", 7, []string{
				"Get 10k app downloads guaranteed! ASO services, reply now",
				"Make money from home with crypto, click here",
				"Congratulations, you won an iPhone, claim your reward",
				"We provide app development at lower cost, hire our team",
				"Dear Sir, buy reviews for your app, 100% safe",
				"Boost your app ranking, special offer this week",
				"Earn money fast, limited time offer"}},
			{"noise_marketing", 6, []string{
				"App Growth Summit 2027 | Join 3,000 mobile marketers in Berlin. Early bird tickets end Friday.",
				"Your weekly digest: 7 habit apps you should try",
				"Partnership proposal | We're a meditation app and would like to cross-promote with you.",
				"New in our SDK: analytics for mobile apps. Start your free trial",
				"Podcast invite: would your founder join our show?",
				"Newsletter: mobile trends this month"}},
			{"noise_general", 7, []string{
				"is there a web version?", "who makes this app?", "is my data private?",
				"do you have a discord?", "what does the leaf icon mean", "c'est quoi la différence entre free et pro",
				"are you on android too?"}},
		},
	}
}
