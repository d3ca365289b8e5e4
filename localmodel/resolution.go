package localmodel

// Cue phrases in support replies, by resolution, checked in this order.
var (
	escalationCues = cues(1, "escalate", "escalated", "escalating", "engineering team", "engineers", "developers",
		"dev team", "development team", "technical team", "product team", "filed a bug", "bug report",
		"reported this to", "passed this on", "raised this with", "investigating")
	workaroundCues = cues(1, "workaround", "work around", "in the meantime", "meanwhile", "for now you can",
		"temporary fix", "temporarily", "as a temporary", "you can try", "try clearing", "try again",
		"alternatively", "instead you can", "try restarting", "try logging out")
	manualCues = cues(1, "i have reset", "ive reset", "i reset", "i have refunded", "ive refunded",
		"issued a refund", "processed a refund", "i have updated your", "ive updated your", "ive manually",
		"i have manually", "i manually", "ive unlocked", "i have unlocked", "ive fixed", "i have fixed",
		"ive removed", "i have removed", "ive restored", "i have restored", "ive added", "i have added",
		"ive credited", "i have credited", "ive cancelled", "i have cancelled", "on our end")
	educationCues = cues(1, "you can", "go to", "navigate to", "click on", "heres how", "here is how",
		"follow these steps", "steps", "under settings", "in settings", "this is expected", "by design",
		"documentation", "help article", "help center", "guide", "explained", "the reason is", "this happens because")
)

// resolution is what support did, as extraction.ResolutionActions / ResolutionCategories values.
type resolution struct {
	action, category string
}

// detectResolution reads the support replies' stem sequences.
func detectResolution(replies [][]string) resolution {
	has := func(list cueList) bool {
		for _, r := range replies {
			if list.in(r) {
				return true
			}
		}
		return false
	}
	switch {
	case has(escalationCues):
		return resolution{"escalated_to_engineering", "escalation"}
	case has(workaroundCues):
		return resolution{"provided_workaround", "workaround"}
	case has(manualCues):
		return resolution{"manual_intervention", "self_service_gap"}
	case has(educationCues):
		return resolution{"user_education", "education"}
	}
	return resolution{"no_resolution", "unresolved"}
}
