package localmodel

import (
	"testing"
)

func TestScratch(t *testing.T) {
	client, _ := newClient(t, Config{})
	cs := [][]string{
		{"Schedule keeps resetting", "c: The heating schedule on my thermostat resets to the default every night."},
		{"", "c: My thermostat forgets the heating schedule I set, it goes back to the factory schedule."},
		{"Reminder emails not sent", "c: Our customers stopped getting the appointment reminder emails two days ago."},
		{"", "c: Appointment reminders are not being sent by email anymore, clients are missing their appointments!"},
		{"Slow dashboard", "c: The analytics dashboard takes forever to load, sometimes over a minute. It used to be instant."},
		{"", "c: Hi, I can't login with Google SSO, it says 'invalid redirect URI' since yesterday."},
		{"Export to CSV", "c: Exporting the contacts list to CSV only gives me the first 100 rows, the rest are missing."},
		{"", "c: When I edit a recurring booking, all past bookings get duplicated in the calendar."},
		{"Posts not publishing", "c: My scheduled Instagram posts did not publish at the scheduled time. Nothing happened.", "s: As a workaround, you can publish them manually from the queue while we look into it."},
		{"", "c: is there a way to bulk edit product prices?"},
		{"Refund status", "c: I returned the blender 3 weeks ago and still haven't received my refund."},
		{"App", "c: The mobile app logs me out every few minutes, really annoying."},
		{"Push notifications", "c: I don't get push notifications on Android anymore for new messages."},
		{"", "c: Your product is amazing, keep up the good work!"},
		{"Wrong exchange rate", "c: The exchange rate applied to my transfer in EUR was different from what the app showed me before confirming."},
		{"", "c: The search returns no results when I type an accented name like José."},
		{"Feature idea", "c: Could you add support for Apple Pay at checkout?"},
		{"", "c: I can't find where to change my shipping address for an upcoming delivery."},
	}
	for _, lines := range cs {
		th := extract(t, client, conv(lines[0], lines[1:]...))
		t.Logf("%-18s %-45s area=%-12s comp=%-20s flow=%q\n   intent=%q\n   symptoms=%q", th.ConversationType, th.IssueSignature, th.ProductArea, th.Component, th.AffectedFlow, th.UserIntent, th.Symptoms)
	}
}
