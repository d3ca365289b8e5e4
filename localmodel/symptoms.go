package localmodel

import "slices"

// symptomClass is a canonical, domain-general way something misbehaves. Its name becomes the
// suffix of a product issue's signature.
type symptomClass struct {
	name      string // signature suffix, e.g. "not_saving"
	verb      string // reads after the component: "<component> does not save changes"
	direction string // extraction.Directions value
	cause     string // root cause hypothesis; %s is the component
	cues      cueList
}

// classFails is the generic class used when no specific symptom is recognised.
const classFails = "fails"

// symptomClasses in priority order: on equal scores the earlier (more specific) class wins.
var symptomClasses = []symptomClass{
	{"permission_denied", "denies access to an allowed user", "deficit",
		"A permission or role check around %s likely rejects a user who should be allowed.",
		cues(1, "permission denied", "access denied", "forbidden", "not authorized", "unauthorized", "unauthorised",
			"no permission", "dont have permission", "not allowed", "403", "401")},
	{"rate_limited", "is rate limited too early", "deficit",
		"A rate limit or quota check in %s likely counts more than it should or uses the wrong limit.",
		cues(1, "429", "too many requests", "rate limit", "rate limited", "rate limiting", "throttled", "throttle",
			"throttles", "throttling", "quota")},
	{"timeout", "times out", "performance",
		"A backend call made by %s likely exceeds its time limit under the customer's data volume.",
		cues(1, "timeout", "timed out", "times out", "time out", "504", "gateway timeout")},
	{"crash", "crashes", "deficit",
		"An unhandled error in %s likely terminates the app or page.",
		cues(1, "crash", "shuts down", "closes itself", "force close", "quits unexpectedly", "closes unexpectedly")},
	{"freeze", "freezes", "performance",
		"Blocking work in %s likely stalls the interface.",
		cues(1, "freeze", "frozen", "unresponsive", "hangs", "not responding")},
	{"duplicate", "creates duplicates", "excess",
		"A retried or double-submitted action in %s likely runs twice without an idempotency check.",
		cues(1, "duplicate", "duplicated", "twice", "double", "doubled", "two copies", "multiple times", "2x",
			"two times", "2 times", "same one again", "duplicado", "duplicados", "dos veces", "deux fois", "doppelt",
			"zweimal", "duas vezes", "doublon", "doublons", "dubbel", "dubbele", "due volte", "copies of",
			"already taken", "already booked", "same slot", "same time", "double booked", "double booking",
			"overbooked", "doppelbuchung", "doppelt gebucht", "denselben termin", "stesso orario", "mismo horario",
			"même créneau", "dubbel geboekt")},
	{"wrong_value", "shows wrong values", "modification",
		"%s likely computes or formats a value incorrectly (rounding, time zone, currency or unit conversion).",
		cues(1, "wrong", "incorrect", "inaccurate", "doesnt match", "mismatch", "not correct", "not accurate",
			"off by", "miscalculated", "different from", "differs from", "different than", "dont add up",
			"doesnt add up", "too early", "too late", "hour off", "hours off", "hour early", "hour late",
			"hour earlier", "hour later", "shifted", "swapped", "mixed up", "messed up", "verschoben", "más tarde",
			"plus tard", "später", "più tardi", "mais tarde", "got a different", "sent me a different",
			"received a different", "not what i", "which one is it", "but it says", "but says", "but it shows",
			"but shows", "equivocada", "equivocado", "incorrecto", "falsch", "faux", "errado", "sbagliato",
			"sbagliata", "rounded wrong", "rounding error", "rounding bug", "arrotondato male", "mal redondeado",
			"falsch gerundet", "verkeerd afgerond", "mal arrondi")},
	{"not_saving", "does not save changes", "deficit",
		"Changes made in %s are likely not persisted, or are rejected silently by validation.",
		cues(1, "not saving", "not saved", "doesnt save", "wont save", "didnt save", "fails to save", "cant save",
			"lost my changes", "changes are lost", "changes lost", "reverts", "reverted", "unsaved",
			"keeps resetting", "resets itself", "resets to", "reset itself", "goes back to", "went back to", "forgets")},
	{"not_loading", "does not load", "deficit",
		"%s likely fails to fetch or render its data, leaving the view empty.",
		cues(1, "not loading", "wont load", "doesnt load", "never loads", "stuck loading", "fails to load",
			"cant load", "blank", "white screen", "spinning", "spinner", "loading forever", "empty page", "page is empty",
			"completely white", "all white", "white page", "empty screen", "no carga",
			"ne charge pas", "lädt nicht", "não carrega", "non carica", "laadt niet")},
	{"not_updating", "does not update", "deficit",
		"%s likely serves cached or stale data and is not refreshed after changes.",
		cues(1, "not updating", "doesnt update", "wont update", "out of date", "stale", "outdated",
			"not refreshing", "doesnt refresh", "not up to date", "hasnt changed", "not changed", "no change",
			"não atualiza", "no se actualiza", "ne se met pas à jour", "aktualisiert nicht", "non si aggiorna",
			"wordt niet bijgewerkt", "not syncing", "stopped syncing", "doesnt sync", "wont sync", "not importing",
			"stopped importing", "doesnt import", "no longer imports", "stopped coming in", "hasnt pulled",
			"nothing new", "no new", "imports nothing", "syncs nothing", "no importa", "importiert keine", "importeert niet", "nimporte plus", "non importa")},
	// Not sent and not received are one delivery failure seen from its two ends ("reminders are
	// not going out", "my clients never got the reminder"): one class, so both reach one signature.
	{"not_received", "is not delivered", "deficit",
		"Delivery of %s likely fails: it is never queued or sent, or is lost on its way to the recipient.",
		cues(1, "not sending", "doesnt send", "wont send", "not sent", "never sent", "fails to send", "cant send",
			"didnt send", "dont send", "stopped sending", "dont go out", "doesnt go out", "didnt go out",
			"not going out", "never went out", "no se envía", "no se envían",
			"nicht verschickt", "nicht mehr verschickt", "non inviato", "non vengono inviati", "niet verstuurd",
			"não é enviado", "não são enviados", "nest pas envoyé", "ne sont pas envoyés",
			"not received", "never received", "didnt receive", "havent received", "not receiving",
			"never arrived", "didnt arrive", "hasnt arrived", "not arrived", "not delivered", "never got",
			"didnt get", "never came", "dont get", "dont receive", "doesnt receive", "no longer receive",
			"no longer get", "stopped getting", "stopped receiving", "havent got", "no recibí", "no he recibido",
			"pas reçu", "nicht erhalten", "kommt nicht an", "não recebi", "not here", "never comes", "never arrives",
			"doesnt arrive", "not arriving", "no llegan", "não chega", "não chegam", "non arriva", "non arrivano",
			"komt niet aan", "arrive pas", "narrive pas", "narrive jamais", "reçu aucun", "no email", "nothing ever comes",
			"nothing comes", "nothing ever arrives", "nothing arrives", "still waiting for", "still waiting on")},
	{"disconnects", "disconnects", "deficit",
		"The connection or session used by %s likely drops or expires too early.",
		cues(1, "disconnect", "lost connection", "loses connection", "connection drops", "keeps dropping",
			"goes offline", "offline", "logs me out", "logging me out", "connection lost", "drops", "unlinked",
			"reconnect", "expired", "keeps expiring", "reauthorize", "reauthorise", "re authorize", "re authorise",
			"authorize again", "authorise again", "volver a autorizar", "opnieuw autoriseren", "erneut autorisieren",
			"reconectar", "reconnecter", "opnieuw koppelen", "neu verbinden")},
	{"rejected", "is rejected", "deficit",
		"A validation or risk check in %s likely rejects valid input.",
		cues(1, "declined", "rejected", "refused", "not accepted", "wont accept", "doesnt accept", "bounced",
			"wont apply", "doesnt apply", "not applied", "not applying", "wont go through", "doesnt go through",
			"didnt go through", "not going through", "could not be completed", "couldnt be completed",
			"invalid", "abgelehnt", "rechazado", "rechazada", "rifiutato", "rifiutata", "recusado",
			"recusada", "rejeté", "refusé", "geweigerd")},
	{"stuck", "gets stuck", "deficit",
		"A step in %s likely never completes or never changes state.",
		cues(1, "stuck", "pending", "never completes", "never finishes", "doesnt finish", "wont finish",
			"loops", "in a loop", "loop", "over and over", "keeps asking", "back to the login", "again and again",
			"vuelve a", "revient")},
	{"missing", "is missing data", "deficit",
		"%s likely filters out or fails to load some records.",
		cues(1, "missing", "disappeared", "vanished", "gone", "not showing", "doesnt show", "not shown",
			"napparaissent plus", "napparaît plus", "napparaissent pas", "no aparecen", "no aparece", "não aparece",
			"não aparecem", "verschwunden", "fehlen", "ontbreken", "non compare", "non compaiono",
			"dont see", "cant see", "not appearing", "doesnt appear", "no longer shows", "not visible",
			"no results", "returns nothing", "shows nothing", "404", "not found", "dead", "not in the list",
			"not listed", "only shows", "fewer", "incomplete", "removed", "zero", "no balance", "but no", "has no",
			"no longer has", "no longer includes", "doesnt include", "not included", "doesnt have", "is empty",
			"are empty", "were empty", "an empty", "reads nothing",
			"comes up empty")},
	{"unwanted", "acts when it should not", "excess",
		"A condition in %s likely ignores a state that should stop it (already paid, cancelled, opted out).",
		cues(1, "even though", "even after", "still got", "still get", "still gets", "still getting",
			"still receive", "still receives", "still receiving", "still sends", "still sending", "already paid",
			"as paid", "marked paid", "shows paid", "after paying", "after i paid", "who paid", "who have paid",
			"who already paid", "that paid", "already settled", "they settled", "been paid",
			"should not", "shouldnt", "not supposed to", "al betaald", "déjà réglé", "déjà payé", "ya pagado", "bereits bezahlt", "già pagato", "já pago")},
	{"not_installing", "does not install", "deficit",
		"The installation of %s likely fails on a platform or version it does not build for.",
		cues(1, "install", "installing", "installation", "installer", "reinstall", "instalar", "instalación",
			"installieren", "instalação", "installeren", "installare", "installazione")},
	{"slow", "is slow", "performance",
		"%s likely does heavy work (an unindexed query, a large payload) on the request path.",
		cues(1, "slow", "lag", "laggy", "sluggish", "takes forever", "takes ages", "long time to", "performance")},
	{classFails, "fails", "deficit",
		"An error path in %s is likely not handled.",
		cues(1, "fail", "failure", "error", "not working", "doesnt work", "broken", "stopped working", "wont work",
			"unable to", "nothing happens", "nothing happened")},
}

// unsaid are, by class, phrases that hold one of its cues without naming it: each match takes
// one cue back. "Is something wrong?" and "something went wrong" say vaguely that something
// fails, not that a value is wrong.
var unsaid = map[string]cueList{
	"wrong_value": cues(1, "something wrong", "anything wrong", "whats wrong", "what is wrong", "went wrong",
		"gone wrong", "goes wrong", "go wrong", "going wrong"),
}

// score is what seq says of the class: its cues, less the phrases that hold one without naming it.
func (c symptomClass) score(seq []string) float64 {
	return max(0, c.cues.score(seq)-unsaid[c.name].score(seq))
}

// effectWeight is what a symptom cue counts in an effect clause ("posts didn't go out because
// of it"): the customer names it as the consequence of another failure, which is the issue.
const effectWeight = 0.5

// detectSymptom scores every class on the stem sequences of the subject (counting subjectWeight
// times) and the customer's messages, with cues in the messages' effect clauses (a subset of the
// messages, see effectClauses) counting effectWeight, and returns the best specific class, the
// generic class when no specific one is found, and the specific score (0 when nothing specific
// was found).
func detectSymptom(subject []string, bodies, effects [][]string, subjectWeight float64) (symptomClass, float64) {
	best, bestScore := len(symptomClasses)-1, 0.0
	for i, c := range symptomClasses[:len(symptomClasses)-1] {
		s := subjectWeight * c.score(subject)
		for _, b := range bodies {
			s += c.score(b)
		}
		for _, e := range effects {
			s -= (1 - effectWeight) * c.score(e)
		}
		if s > bestScore {
			best, bestScore = i, s
		}
	}
	return symptomClasses[best], bestScore
}

// effectClauses are the cue sequences of the parts of text's sentences that come before
// "because": what the customer says happened as a consequence ("posts in the queue didn't go
// out because of it", "the export is empty because the sync stopped"). tokens are text's; a text
// without "because" is not split again.
func effectClauses(text string, tokens []token) [][]string {
	if !slices.ContainsFunc(tokens, isBecause) {
		return nil
	}
	var out [][]string
	for _, s := range sentences(text) {
		tokens := tokenize(s)
		if i := slices.IndexFunc(tokens, isBecause); i > 0 {
			out = append(out, cueSeq(tokens[:i]))
		}
	}
	return out
}

func isBecause(t token) bool { return t.surface == "because" }

// symptomByName finds a class by its signature suffix; "not_sending", the suffix of signatures
// minted before sending and receiving were one class, names the delivery class.
func symptomByName(name string) (symptomClass, bool) {
	if name == "not_sending" {
		name = "not_received"
	}
	for _, c := range symptomClasses {
		if c.name == name {
			return c, true
		}
	}
	return symptomClass{}, false
}

// symptomCues is every cue of every class, used to find symptom sentences; with the cues of a
// conversation type, the cues that show what a conversation of that type is about.
var (
	symptomCues        = allSymptomCues()
	bugSymptomCues     = concat(bugCues, symptomCues)
	billingSymptomCues = concat(billingCues, symptomCues)
	accountSymptomCues = concat(accountCues, symptomCues)
)

func allSymptomCues() cueList {
	lists := make([]cueList, len(symptomClasses))
	for i, c := range symptomClasses {
		lists[i] = c.cues
	}
	return concat(lists...)
}
