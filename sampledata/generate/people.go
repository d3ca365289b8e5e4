package generate

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// person is a fictional customer; every contact address is on example.com.
type person struct {
	first, last, company, slug string
}

func firstNames() []string {
	return []string{"Maya", "Liam", "Sofia", "Noah", "Aisha", "Lucas", "Chloe", "Mateo", "Hannah", "Ravi",
		"Emma", "Jonas", "Fatima", "Oliver", "Yuki", "Daniel", "Grace", "Tomasz", "Leila", "Ben",
		"Camille", "Kwame", "Isabel", "Finn", "Nora", "Arjun", "Zoe", "Marco", "Elif", "Sam",
		"Olivia", "Diego", "Ingrid", "Chen", "Amara", "Patrick", "Rosa", "Hugo", "Priyanka", "Jess"}
}

func lastNames() []string {
	return []string{"Okafor", "Schmidt", "Rossi", "Nguyen", "Patel", "Dubois", "Kowalski", "García", "Müller", "Brown",
		"Haddad", "Tanaka", "O'Neill", "Larsen", "Silva", "Cohen", "Mensah", "Fischer", "Ahmed", "Walsh",
		"Moreau", "Lindqvist", "Reyes", "Novak", "Bakker", "Kim", "Fernández", "Murphy", "Yilmaz", "Clarke"}
}

func companies() []string {
	return []string{"Fern & Fig Bakery", "North Loop Running", "Brightlane Studio", "Harbor Dental Group", "Pixel Pantry",
		"Oak & Ember Candles", "Solstice Yoga", "Tidewater Realty", "Kettle Coffee Co", "Greenhouse Agency",
		"Marlow Bikes", "Little Sprout Nursery", "Copperleaf Marketing", "Bloom & Bramble Florist", "Atlas Fitness",
		"Moonrise Books", "Vantage Social", "Cedar Street Dental", "Wild Pine Outfitters", "Lumen Skin Clinic",
		"Riverbend Brewing", "Foxglove Digital", "Salt & Stone Spa", "Beacon Property Co", "Hopscotch Toys",
		"Meridian Events", "Saffron Kitchen", "Northstar Coaching", "Ivy Lane Interiors", "Pulse Media Collective"}
}

func (g *generator) person() person {
	p := person{first: pick(g.r, firstNames()), last: pick(g.r, lastNames()), company: pick(g.r, companies())}
	p.slug = slugify(p.company)
	return p
}

func (p person) full() string { return p.first + " " + p.last }

// handle is the person's company social account, e.g. @fernfigbakery.
func (p person) handle() string { return "@" + p.slug }

// contact is a fictional example.com address in one of several common shapes.
func (g *generator) contact(p person) string {
	first, last := slugify(p.first), slugify(p.last)
	var local string
	switch g.r.IntN(6) {
	case 0, 1:
		local = first + "." + last
	case 2:
		local = first
	case 3:
		local = first[:1] + last
	case 4:
		local = "social+" + p.slug
	default:
		local = first + "." + last + fmt.Sprint(g.r.IntN(90)+10)
	}
	return local + "@example.com"
}

func slugify(s string) string {
	repl := strings.NewReplacer("ü", "u", "í", "i", "á", "a", "é", "e", "'", "", "&", "", " ", "")
	return strings.ToLower(repl.Replace(s))
}

// commonSlots are the slots every topic may use.
func commonSlots() map[string][]string {
	return map[string][]string{
		"agent":    {"Priya", "Tomás", "Jordan", "Mei", "Sam", "Alex", "Nadia", "Chris"},
		"plan":     {"Starter", "Team", "Agency", "Team", "Agency"},
		"browser":  {"Chrome", "Firefox", "Safari", "Edge", "Chrome", "Brave"},
		"os":       {"macOS", "Windows 11", "Windows 10", "a Chromebook", "macOS Sequoia"},
		"posttime": {"9:00 AM", "9am", "10:30", "12:00", "1pm", "15:00", "6:30 PM", "18:00", "8am", "7:45"},
		"ntime":    {"yesterday", "this morning", "last night", "on Monday", "over the weekend", "on Tuesday", "today", "last Friday"},
		"since":    {"last Thursday", "the 12th", "about two weeks ago", "the start of the month", "last week", "Monday", "your last update"},
		"weekday":  {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"},
		"count":    {"3", "two", "all four", "several", "5", "most", "six"},
		"amount":   {"$49", "$99", "$29", "$468", "$1,188", "€89", "£39"},
	}
}

// newConversationExpander fixes the person's slots and looks up the topic's slots first.
func (g *generator) newConversationExpander(r *rand.Rand, p person, topic map[string][]string) *expander {
	e := newExpander(r, topic, commonSlots())
	e.set("first", p.first)
	e.set("full", p.full())
	e.set("company", p.company)
	e.set("handle", p.handle())
	return e
}
