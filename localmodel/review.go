package localmodel

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"feedbackpipe/review"
)

// isReview reports whether a chat request is a story review (by its schema's name).
func isReview(req chatRequest) bool {
	rf := req.ResponseFormat
	return rf != nil && rf.JSONSchema != nil && rf.JSONSchema.Name == review.SchemaName
}

// handleReview answers a story review: reject a group whose members are mostly noise, split one
// whose members disagree on their facets (action type, direction, component) into parts that
// stand on their own, keep the others; each story titled from the members' salient terms.
func (s *Server) handleReview(w http.ResponseWriter, r *http.Request, req chatRequest) {
	var g review.Group
	ok := false
	chars := 0
	for _, m := range req.Messages {
		t := m.text()
		chars += len(t)
		if m.Role == "user" && strings.Contains(t, review.MarkerGroup) {
			g, ok = review.ParseUserPrompt(t)
		}
	}
	if !ok || len(g.Members) == 0 {
		badRequest(w, "%s", "no user message holds a group between the "+review.MarkerGroup+" and "+review.MarkerEndGroup+" markers")
		return
	}
	fault, handled := s.injectFault(w, r, "chat", true)
	if handled {
		return
	}
	out, err := json.Marshal(decideReview(g))
	if err != nil {
		writeError(w, http.StatusInternalServerError, "server_error", "", "cannot render the answer: "+err.Error())
		return
	}
	content := string(out)
	switch fault {
	case FaultMalformedJSON:
		content = content[:len(content)/2]
	case FaultSchemaViolation:
		content = strings.Replace(content, `"decision":`, `"unexpected_property":true,"decision":`, 1)
	}
	choice := chatChoice{FinishReason: "stop"}
	choice.Message.Role = "assistant"
	choice.Message.Content = content
	writeJSON(w, http.StatusOK, chatResponse{
		ID: fmt.Sprintf("chatcmpl-local-%d", s.ids.Add(1)), Object: "chat.completion", Created: time.Now().Unix(),
		Model: cmp.Or(req.Model, ChatModelID), Choices: []chatChoice{choice},
		Usage: newUsage(chars, len(content)), SystemFingerprint: "local-heuristic-v1",
	})
}

// decideReview is the built-in model's verdict on a group.
func decideReview(g review.Group) review.Answer {
	noisy := 0
	for _, m := range g.Members {
		if noiseMember(m) {
			noisy++
		}
	}
	if 3*noisy >= 2*len(g.Members) {
		return review.Answer{Decision: review.DecisionReject, Reason: review.ReasonNoise, Parts: []review.Part{}}
	}
	parts := facetSplit(g.Members)
	if len(parts) < 2 {
		parts = vocabularySplit(g.Members)
	}
	if len(parts) >= 2 {
		a := review.Answer{Decision: review.DecisionSplit, Reason: review.ReasonDistinctIssues}
		for _, p := range parts {
			a.Parts = append(a.Parts, writeStory(p, true))
		}
		return a
	}
	return review.Answer{Decision: review.DecisionKeep, Reason: review.ReasonOneIssue,
		Parts: []review.Part{writeStory(g.Members, false)}}
}

// noiseWords make a theme generic when its signature has nothing else.
var noiseWords = map[string]bool{
	"general": true, "feedback": true, "question": true, "questions": true, "other": true, "misc": true,
	"issue": true, "issues": true, "problem": true, "help": true, "thanks": true, "thank": true, "unknown": true,
	"hello": true, "hi": true, "inquiry": true, "request": true, "support": true, "followup": true, "follow": true,
	"up": true, "praise": true, "compliment": true, "spam": true, "greeting": true, "noise": true, "chat": true,
}

// noiseMember reports whether a member's theme says nothing specific: an unknown action type, or
// a signature made only of generic words, with no symptom.
func noiseMember(m review.Member) bool {
	if m.ActionType == "unknown" {
		return true
	}
	specific := false
	for _, w := range strings.Split(m.Signature, "_") {
		if w != "" && !noiseWords[w] {
			specific = true
		}
	}
	return !specific
}

// actionClass folds action types that one story can hold together.
func actionClass(t string) string {
	switch t {
	case "bug_report", "complaint":
		return "problem"
	case "how_to_question", "inquiry":
		return "question"
	case "account_change", "delete_request":
		return "account"
	}
	return t
}

// minPartSize is the fewest members a part of a split needs: a story's (the grouping's default
// MinSize). A smaller part would only fall apart into orphans, so a group whose members disagree
// only in twos stays whole.
const minPartSize = 3

// facetSplit partitions the members by action class and direction, or failing that by component,
// when at least two classes stand on their own (each at least minPartSize members and a quarter
// of the group); the members of smaller classes join the part they share most facets with.
func facetSplit(members []review.Member) [][]review.Member {
	n := len(members)
	need := max(minPartSize, int(math.Ceil(float64(n)/4)))
	for f, facet := range []func(review.Member) string{
		func(m review.Member) string { return actionClass(m.ActionType) + "/" + m.Direction },
		func(m review.Member) string { return m.Component },
	} {
		classes := map[string][]review.Member{}
		for _, m := range members {
			classes[facet(m)] = append(classes[facet(m)], m)
		}
		var big []string
		for k, ms := range classes {
			if len(ms) >= need && k != "" {
				big = append(big, k)
			}
		}
		if len(big) < 2 || (f == 1 && !disjointTerms(big)) {
			continue
		}
		sort.Strings(big)
		parts := make([][]review.Member, len(big))
		index := map[string]int{}
		for i, k := range big {
			parts[i], index[k] = classes[k], i
		}
		for k, ms := range classes {
			if _, ok := index[k]; ok {
				continue
			}
			for _, m := range ms {
				best, bestScore := 0, -1
				for i, p := range parts {
					score := 0
					if p[0].Component == m.Component {
						score += 2
					}
					if actionClass(p[0].ActionType) == actionClass(m.ActionType) {
						score++
					}
					if score > bestScore || (score == bestScore && len(p) > len(parts[best])) {
						best, bestScore = i, score
					}
				}
				parts[best] = append(parts[best], m)
			}
		}
		if !distinctVocabulary(parts) {
			return nil // the facets disagree but the members tell one story
		}
		return parts
	}
	return nil
}

// distinctVocabulary reports whether every two parts describe different things: the words most
// members of one part use (in symptoms and intents) are mostly absent from the other part.
func distinctVocabulary(parts [][]review.Member) bool {
	for i := range parts {
		for j := range parts {
			if i != j && sharedShare(parts[i], parts[j]) >= 0.5 {
				return false
			}
		}
	}
	return true
}

// sharedShare is the share of a's characteristic words (used by at least two of its members, the
// six most used) that b's members use too.
func sharedShare(a, b []review.Member) float64 {
	words := func(m review.Member) map[string]bool {
		set := map[string]bool{}
		for _, s := range append(append([]string(nil), m.Symptoms...), m.UserIntent) {
			for _, w := range contentWords(s) {
				set[w] = true
			}
		}
		return set
	}
	df := map[string]int{}
	for _, m := range a {
		for w := range words(m) {
			df[w]++
		}
	}
	vocab := map[string]bool{}
	for _, m := range b {
		for w := range words(m) {
			vocab[w] = true
		}
	}
	var top []string
	for w, n := range df {
		if n >= 2 {
			top = append(top, w)
		}
	}
	sort.Slice(top, func(i, j int) bool {
		if df[top[i]] != df[top[j]] {
			return df[top[i]] > df[top[j]]
		}
		return top[i] < top[j]
	})
	top = top[:min(6, len(top))]
	if len(top) == 0 {
		return 1 // nothing characteristic: no evidence of a distinct issue
	}
	shared := 0
	for _, w := range top {
		if vocab[w] {
			shared++
		}
	}
	return float64(shared) / float64(len(top))
}

// disjointTerms reports whether no two components share a word ("instagram" and
// "instagram_banner" name one component, spelled two ways).
func disjointTerms(components []string) bool {
	seen := map[string]bool{}
	for _, c := range components {
		for _, w := range strings.Split(c, "_") {
			if seen[w] {
				return false
			}
		}
		for _, w := range strings.Split(c, "_") {
			seen[w] = true
		}
	}
	return true
}

// writeStory writes a part's story from its members' themes.
func writeStory(members []review.Member, listMembers bool) review.Part {
	p := review.Part{Members: []string{}}
	if listMembers {
		for _, m := range members {
			p.Members = append(p.Members, m.Ref)
		}
	}
	component := humanTerm(mostCommonOf(members, func(m review.Member) string { return m.Component }))
	if component == "" {
		component = humanTerm(mostCommonOf(members, func(m review.Member) string { return m.ProductArea }))
	}
	if component == "" {
		component = "Product"
	}
	class := actionClass(mostCommonOf(members, func(m review.Member) string { return m.ActionType }))
	symptoms := salientSymptoms(members)
	intent := mostCommonOf(members, func(m review.Member) string { return strings.TrimSpace(m.UserIntent) })
	need := ""
	if len(symptoms) > 0 && class != "feature_request" {
		need = symptoms[0]
		if class == "question" {
			// the question as a customer asked it says more than "cannot find how to use search"
			if i := slices.IndexFunc(symptoms, func(c string) bool { return quoted(members, c) }); i >= 0 {
				need = symptoms[i]
			}
		}
	} else {
		need = lowerFirst(intent)
	}
	if need == "" {
		need = strings.ReplaceAll(mostCommonOf(members, func(m review.Member) string { return m.Signature }), "_", " ")
	}
	need = titleNeed(component, strings.TrimSuffix(strings.TrimSpace(need), "."))
	p.Title = clipWords(component+": "+need, review.MaxTitle)
	if phrase := featurePhrase(members, component); class == "feature_request" && phrase != "" {
		// "Add dark mode" says more than "Mode: support mode": the feature as the members name it.
		component, need = humanTerm(phrase), "add "+phrase
		p.Title = clipWords(humanTerm(need), review.MaxTitle)
	} else if class == "feature_request" && strings.Contains(strings.ToLower(intent), strings.ToLower(component)) {
		// "Add sdk support", not "Sdk: support sdk" nor "Support sdk", which reads as a question
		title := strings.TrimSuffix(intent, ".")
		if rest, ok := strings.CutPrefix(title, "Support "); ok {
			title = "Add " + rest + " support"
		}
		p.Title = clipWords(humanTerm(title), review.MaxTitle)
	}
	area := strings.ToLower(humanTerm(mostCommonOf(members, func(m review.Member) string { return m.ProductArea })))
	user := "user"
	if area != "" {
		user = area + " user"
	}
	switch class {
	case "feature_request":
		p.UserStory = clipWords(fmt.Sprintf("As a %s, I want %s, so that %s fits how I work.", user, cmp.Or(lowerFirst(intent), need), strings.ToLower(component)), review.MaxUserStory)
		p.AcceptanceCriteria = []string{clipWords(fmt.Sprintf("%s supports: %s.", component, need), review.MaxItemChars)}
		p.Severity = "low"
	case "question", "account":
		p.UserStory = clipWords(fmt.Sprintf("As a %s, I want to %s without contacting support, so that I am not blocked.", user, cmp.Or(lowerFirst(intent), need)), review.MaxUserStory)
		p.AcceptanceCriteria = []string{clipWords(fmt.Sprintf("Users can find how to %s in the product or its help.", cmp.Or(lowerFirst(intent), need)), review.MaxItemChars)}
		p.Severity = "low"
	default:
		p.UserStory = clipWords(fmt.Sprintf("As a %s, I want %s to work reliably, so that %s no longer happens.", user, strings.ToLower(component), need), review.MaxUserStory)
		for _, s := range symptoms[:min(3, len(symptoms))] {
			p.AcceptanceCriteria = append(p.AcceptanceCriteria, clipWords("No longer happens: "+s+".", review.MaxItemChars))
		}
		if len(p.AcceptanceCriteria) == 0 {
			p.AcceptanceCriteria = []string{clipWords(component+" works as expected in the reported flow.", review.MaxItemChars)}
		}
		p.Severity = severityOf(members, symptoms)
	}
	p.InvestigationHints = []string{clipWords(fmt.Sprintf("Reported in %d conversation(s); component %s.", len(members), strings.ToLower(component)), review.MaxItemChars)}
	if sigs := distinctOf(members, func(m review.Member) string { return m.Signature }); len(sigs) > 0 {
		p.InvestigationHints = append(p.InvestigationHints, clipWords("Signatures: "+strings.Join(sigs[:min(4, len(sigs))], ", ")+".", review.MaxItemChars))
	}
	if d := mostCommonOf(members, func(m review.Member) string { return m.Direction }); d != "" && d != "neutral" {
		p.InvestigationHints = append(p.InvestigationHints, "Direction of the failure: "+d+".")
	}
	return p
}

// quoted reports whether a clause is a member's own words: found in its excerpt.
func quoted(members []review.Member, clause string) bool {
	return slices.ContainsFunc(members, func(m review.Member) bool {
		return strings.Contains(strings.ToLower(m.Excerpt), strings.ToLower(clause))
	})
}

// titleNeed is need as it reads after "component: ": a word said twice in a row once ("error
// error 9007"), and the leading words the component already names dropped ("Reverse lookup:
// reverse shows wrong values"), unless nothing would be left.
func titleNeed(component, need string) string {
	named := map[string]bool{}
	for _, w := range strings.Fields(strings.ToLower(component)) {
		named[w] = true
	}
	var words []string
	for _, w := range strings.Fields(need) {
		if len(words) > 0 && strings.EqualFold(words[len(words)-1], w) {
			continue
		}
		words = append(words, w)
	}
	lead := 0
	for lead < len(words)-1 && named[strings.ToLower(words[lead])] {
		lead++
	}
	return strings.Join(words[lead:], " ")
}

// featurePhrase is the feature as the members name it: two content words written side by side, not
// both among the most common English words, that the most members use in their excerpt or intent
// ("dark mode", "first comment"), shared by at least two members and a third of them; on a tie a
// pair holding the component wins, then the first alphabetically. "" when no pair is shared so.
func featurePhrase(members []review.Member, component string) string {
	count := map[string]int{}
	for _, m := range members {
		seen := map[string]bool{}
		for _, text := range []string{m.Excerpt, m.UserIntent} {
			ws := words(text)
			for i := 0; i+1 < len(ws); i++ {
				a, b := ws[i], ws[i+1]
				if !contentWord(a) || !contentWord(b) {
					continue // neighbours as written: "waitlist for fully booked" names no "waitlist fully"
				}
				everyday := commonness(stem(a)) == 1 && commonness(stem(b)) == 1 // "good morning"
				if pair := a + " " + b; a != b && featureWord(a) && featureWord(b) && !everyday && !seen[pair] {
					seen[pair] = true
					count[pair]++
				}
			}
		}
	}
	comp := strings.ToLower(component)
	holds := func(pair string) bool { a, b, _ := strings.Cut(pair, " "); return a == comp || b == comp }
	rank := func(pair string) float64 { return float64(2*count[pair]) + boolScore(holds(pair), 1) }
	best := ""
	for pair, n := range count {
		if n >= max(2, (len(members)+2)/3) && (best == "" || rank(pair) > rank(best) || rank(pair) == rank(best) && pair < best) {
			best = pair
		}
	}
	return best
}

// featureWord: a word that may be part of a feature's name (no greeting, filler or past participle).
func featureWord(w string) bool { return !greetings[w] && !featureFillers[w] && !pastParticiple(w) } // "bluesky added"

// featureFillers are the words a request wraps its feature in ("please add", "would love",
// "support for"), not part of the feature's name.
var featureFillers = map[string]bool{"add": true, "support": true, "please": true, "would": true, "love": true,
	"great": true, "like": true, "want": true, "need": true, "have": true, "any": true, "plans": true, "feature": true,
	"option": true, "request": true, "could": true, "you": true, "your": true, "can": true, "get": true, "nice": true,
	"but": true, "dont": true, "don": true, "our": true, "there": true, "way": true, "chance": true, "soon": true,
	"thanks": true, "start": true, "offer": true, "allow": true, "enable": true, "provide": true, "use": true, "plan": true}

// salientSymptoms ranks the members' symptoms as title phrases: short phrases (a clause of a
// longer symptom, greetings dropped) whose words most members share come first.
func salientSymptoms(members []review.Member) []string {
	df := map[string]int{}
	for _, m := range members {
		seen := map[string]bool{}
		for _, s := range append(append([]string(nil), m.Symptoms...), m.UserIntent, strings.ReplaceAll(m.Signature, "_", " ")) {
			for _, w := range contentWords(s) {
				if !seen[w] {
					seen[w] = true
					df[w]++
				}
			}
		}
	}
	score := map[string]float64{}
	var out []string
	for _, m := range members {
		for _, s := range m.Symptoms {
			for _, c := range clauses(s) {
				if _, ok := score[c]; ok {
					continue
				}
				ws := contentWords(c)
				if len(ws) == 0 {
					continue
				}
				total := 0.0
				for _, w := range ws {
					total += float64(df[w]) / float64(len(members))
				}
				// The mean share of members using the phrase's words, a little more for a
				// second informative word, less for a long phrase.
				sc := total / float64(len(ws)) * math.Min(float64(len(ws)), 3) / 3
				if n := len(strings.Fields(c)); n > 7 {
					sc /= float64(n) / 7
				}
				score[c] = sc
				out = append(out, c)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if score[out[i]] != score[out[j]] {
			return score[out[i]] > score[out[j]]
		}
		if len(out[i]) != len(out[j]) {
			return len(out[i]) < len(out[j])
		}
		return out[i] < out[j]
	})
	return out
}

// greetings open a clause that says nothing about the failure.
var greetings = map[string]bool{"hello": true, "hi": true, "hey": true, "thanks": true, "thank": true, "update": true,
	"quick": true, "please": true, "dear": true, "team": true, "so": true, "also": true, "ok": true, "okay": true}

// clauses splits a symptom into its clauses (at sentence and clause punctuation), each without
// leading greetings or article, lower-cased first letter, one line. A greeting's addressee
// ("Hello Acme team") is no clause.
func clauses(s string) []string {
	var out []string
	for _, c := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(".,;:!?—–()\"\n", r) }) {
		ws := strings.Fields(c)
		greeted := false
		for len(ws) > 0 {
			l := strings.ToLower(strings.Trim(ws[0], "'\""))
			if greetings[l] || l == "the" || l == "a" || l == "an" {
				greeted = greeted || greetings[l]
				ws = ws[1:]
				continue
			}
			break
		}
		if len(ws) < 2 || greeted && len(ws) <= 2 {
			continue
		}
		out = append(out, lowerFirst(strings.Join(ws, " ")))
	}
	return out
}

// stopWords are the English function words a title phrase never holds. Not the package's
// stopwords: those also hold other languages' function words that are English content words
// ("comment", "die", "son").
var stopWords = map[string]bool{"the": true, "a": true, "an": true, "is": true, "are": true, "to": true, "of": true,
	"and": true, "or": true, "in": true, "on": true, "for": true, "with": true, "not": true, "my": true, "it": true,
	"after": true, "when": true, "be": true, "was": true, "were": true, "i": true, "no": true, "per": true,
	"via": true, "each": true, "every": true, "other": true, "same": true, "all": true, "any": true, "some": true,
	"more": true, "than": true, "from": true, "into": true, "also": true, "our": true, "their": true, "its": true}

// contentWords are the words of s that say something: longer than two letters, no stop word.
func contentWords(s string) []string {
	var out []string
	for _, w := range words(s) {
		if contentWord(w) {
			out = append(out, w)
		}
	}
	return out
}

func contentWord(w string) bool { return len(w) > 2 && !stopWords[w] }

// words are the lower-case runs of letters and digits of s.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

func severityOf(members []review.Member, symptoms []string) string {
	text := strings.ToLower(strings.Join(symptoms, " "))
	for _, w := range []string{"data loss", "lost", "deleted", "outage", "charged twice", "double charge", "security"} {
		if strings.Contains(text, w) {
			return "critical"
		}
	}
	if len(members) >= 5 {
		return "high"
	}
	return "medium"
}

func mostCommonOf(members []review.Member, f func(review.Member) string) string {
	vals := distinctOf(members, f)
	if len(vals) == 0 {
		return ""
	}
	return vals[0]
}

// distinctOf returns the members' distinct non-empty values, most common first, ties alphabetical.
func distinctOf(members []review.Member, f func(review.Member) string) []string {
	counts := map[string]int{}
	for _, m := range members {
		if v := f(m); v != "" {
			counts[v]++
		}
	}
	out := make([]string, 0, len(counts))
	for v := range counts {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool {
		if counts[out[i]] != counts[out[j]] {
			return counts[out[i]] > counts[out[j]]
		}
		return out[i] < out[j]
	})
	return out
}

// humanTerm turns a snake_case term into words with a capital: "calendar_sync" → "Calendar sync".
func humanTerm(s string) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "_", " "))
	if s == "" || s == "unknown" || s == "other" {
		return ""
	}
	r := []rune(s)
	return string(unicode.ToUpper(r[0])) + string(r[1:])
}

func lowerFirst(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) == 0 {
		return ""
	}
	if len(r) > 1 && unicode.IsUpper(r[1]) { // an acronym stays
		return string(r)
	}
	return string(unicode.ToLower(r[0])) + string(r[1:])
}

// clipWords keeps s on one line and within n characters, cutting at a word boundary.
func clipWords(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndex(cut, " "); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:-")
}
