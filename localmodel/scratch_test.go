package localmodel

import (
	"encoding/json"
	"testing"
)

func TestScratch(t *testing.T) {
	client, _ := newClient(t, Config{})
	cs := map[string][]string{
		"Invoice PDF export broken": {"c: Hi team, when I try to export an invoice as PDF I get an error \"ERR_PDF_502\". It worked last week.", "s: Thanks, I've escalated this to our engineering team."},
		"": {"c: My Google calendar doesn't sync anymore, new events are not showing up in the planner.", "c: Please help!"},
		"Dark mode": {"c: It would be great if you could add a dark mode to the dashboard. My eyes hurt at night."},
		"Card declined": {"c: My debit card keeps getting declined at the checkout even though I have money in my account. Transaction code D-4412."},
		"Where is my order?": {"c: I ordered a pair of shoes two weeks ago and the package never arrived. Tracking says it is stuck in transit."},
		"Thermostat": {"c: The thermostat shows the wrong temperature, it says 25 degrees but the room is clearly cold.", "s: You can recalibrate the sensor under Settings > Sensor."},
		"SEO": {"c: Dear sir, we offer SEO services and quality backlinks to rank higher on Google. Click here for a promo offer."},
		"thanks": {"c: Thanks a lot, that worked perfectly!"},
		"Refund": {"c: I was charged twice for my subscription this month, can I get a refund?"},
		"How to": {"c: How do I add a second user to the shared budget?"},
	}
	for subj, lines := range cs {
		th := extract(t, client, conv(subj, lines...))
		b, _ := json.MarshalIndent(th, "", "  ")
		t.Logf("%s\n%s", subj, b)
	}
}
