package localmodel

import "strings"

// The word lists below are general English and general customer-support vocabulary; none is about
// a particular product or industry. They are built once and never modified.

// stopwords are general English function words, by surface form (apostrophes removed).
var stopwords = surfaceSet(`
a about above after again against all also am an and any are arent as at be because been before
being below between both but by can cannot cant could couldnt did didnt do does doesnt doing dont
down during each even ever every few for from further had hadnt has hasnt have havent having he
hed hes her here heres hers herself him himself his how hows i id ill im ive if in into is isnt it
its itself just lets me more most much must mustnt my myself no nor not now of off on once only or
other ought our ours ourselves out over own same shall shant she shed shes should shouldnt so some
such than that thats the their theirs them themselves then there theres these they theyd theyll
theyre theyve this those through to too under until up upon us very was wasnt we wed well were
weve werent what whats when whens where wheres which while who whos whom why whys will with wont
would wouldnt you youd youll youre youve your yours yourself yourselves yes yeah ok okay oh hmm
anything everything nothing something anyone everyone someone nobody somebody anybody already
really actually maybe perhaps either neither though although however therefore whether via per
etc eg ie re lot lots bit kind sort thing things stuff way ways yet since ago soon later still set
` +
	// Spanish, French, German and Portuguese function words, so a message in those languages never
	// names its object with one.
	`
el la los las un una unos unas de del al y o que en con por para es son no mi mis tu su sus se lo le
les me te nos pero muy mas más ya como cómo cuando donde dónde porque este esta esto ese esa hay fue
ha he han hace sin sobre todo todos también pero si sí nada
le la les un une des du de et ou que qui en dans avec pour par sur est sont ne pas plus mon ma mes
ton ta tes son sa ses ce cette ces il elle ils elles je tu nous vous on au aux mais très déjà
comment quand où pourquoi tout tous aussi avoir être ça cela quoi
der die das den dem des ein eine einen einem einer und oder aber nicht kein keine ich du er sie es
wir ihr mit von zu zum zur für auf aus bei nach seit ist sind war hat haben wird werden kann können
mein meine dein sein ihr unser noch schon sehr auch wie wo warum wann was wenn dass obwohl kaum
o a os as um uma uns umas do da dos das em no na nos nas com por para é são não meu minha seu sua
mas muito já como quando onde porque isso isto esse essa há foi tem também
de het een en van op in met voor is zijn niet geen mijn onze ons wij ik je jij u hij zij dat die dit
deze naar bij uit aan om ook nog al maar of als dan wat hoe waarom waar wanneer heeft hebben had was
werd wordt worden kan kunnen moet moeten meer er
il lo gli le un una di da con su per tra fra ma non mi ti ci si è sono ho ha hanno mio mia miei
nostro nostra nostri questo questa quello che come quando dove perché più anche ancora
desde hace hasta mucho muchos nuestro nuestra nuestros mehr seit unsere unser unseren
` +
	// Their everyday verbs, adverbs and time words, which say nothing about what misbehaves.
	`
ayer hoy mañana siempre todavía otra vez ahora aquí hago hice hizo tengo tiene tienen tenía puedo
puede pueden podemos quiero quería funciona funcionaba sigue hecho dice dicen cobraron cobró
recibí recibido recibo llegó pasó intenté necesito gracias ya
hier aujourdhui demain toujours encore maintenant ici fait fais ai avais peux peut veux voulais
marche fonctionne reçu reçois essayé besoin dit merci
gestern heute morgen immer wieder jetzt hier mache macht gemacht habe hatte hast kann konnte will
möchte bekommen bekomme bekommt bekam funktioniert geht ging gibt versucht brauche leider bitte
wäre wären könnte könnten würde würden sollte hätte toll schön genial útil utile pratique praktisch hilfreich handig
ótimo ótima
nur mal
ontem hoje amanhã sempre ainda agora aqui faço fiz tenho tinha posso pode quero queria funciona
recebi recebido chegou tentei preciso
gisteren vandaag morgen altijd weer nu hier doe deed heb werkt lukt wil wilt graag bedankt
ieri oggi domani sempre adesso qui faccio fatto posso può voglio vorrei funziona grazie
` +
	// and the everyday verbs of what customers do (pay, book, send, open), said in those languages
	`
pagar pagué reservar enviar abrir entrar cambiar usar poder hacer payer réserver envoyer
ouvrir changer utiliser pouvoir faire bezahlen zahlen buchen senden öffnen ändern nutzen machen
wünschen pagare prenotare inviare aprire cambiare usare betalen boeken versturen openen
wijzigen gebruiken maken
`)

// genericWords are words of support conversations that say nothing about the affected thing:
// greetings, politeness, filler verbs, time words, and words that only frame the request. Matched
// by stem.
var genericWords = stemSet(`
help please plz pls issue issues problem problems question questions hi hello hey dear thanks
thank thx cheers regards best sincerely team support account app application product service
customer user guys folks sir madam sorry apologies urgent urgently asap quick quickly soon
get got gets getting make makes made making see seen saw try tried tries trying use used uses
using want wants wanted need needs needed know knew think thought seem seems seemed look looks
looked like liked go goes went going come came say said tell told let give gave take took put
keep keeps kept still just also anymore today yesterday tomorrow now time times day days week
weeks month months year hour hours minute minutes morning evening night recently lately suddenly
january february march april june july august september october november december jan feb mar apr
jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday q1 q2 q3 q4
again always never sometimes often anyway thing something everything anything someone please
would could should can may might must will able unable possible impossible way feature request
option ability add adding love great nice awesome suggestion
suggest idea ideas feedback complaint inquiry enquiry howto amazing excellent fantastic
brilliant wonderful perfect perfectly different same another whole entire several various
certain multiple single actual own exact exactly sharp general good bad wish hope hoping wonder wondering
happy unhappy frustrated annoying annoyed wait waiting reply response respond
contact reach ticket case info information detail details old first last next
one two three many much lot little bit sure right left okay fine yes attached screenshot video
appreciate appreciated assist assistance guide tutorial click roadmap official officially natively
hiya howdy greetings morning afternoon there everybody anyone folks friend friends
gracias merci danke obrigado obrigada grazie hola bonjour hallo olá ola salut buenos buenas dias
por favor bitte svp ty tyvm anyone update updates waiting still back
`)

// symptomWords describe how something misbehaves rather than what misbehaves; they never become
// the object of a signature. Matched by surface form, so that a noun sharing a stem with a symptom
// verb ("savings" and "saving") stays usable.
var symptomWords = surfaceSet(`
install installs installing installed installation installer reinstall reinstalled
err error errors fail fails failed failing failure failures broken break breaks broke crash crashes
crashed crashing freeze freezes freezing froze frozen hang hangs hanging hung slow slower slowly
lag lags lagging lagged laggy sluggish forever ages timeout timeouts timed blank spinning spinner
loading load loads loaded save saves saved saving unsaved miss missing missed disappear disappears
disappeared disappearing vanish vanished vanishes gone show shows showing shown showed appear
appears appeared appearing duplicate duplicated duplicates duplicating twice double doubled wrong
wrongly incorrect incorrectly inaccurate mismatch mismatched disconnect disconnects disconnected
disconnecting drop drops dropped dropping offline deny denied denies forbidden unauthorized
unauthorised work works worked working stuck pending decline declines declined declining reject
rejects rejected rejecting refuse refuses refused refreshes refreshing updating outdated stale
send sends sent sending receive receives received receiving arrive arrives arrived arriving bug
bugs buggy glitch glitches glitchy weird strange random randomly stop stops stopped stopping
start starts started starting happen happens happened happening occur occurs occurred seem
seems lose loses lost revert reverts reverted resets resetting forgets forgot correct correctly
properly proper empty reconnect reconnects reconnected reconnecting unlinked expired expires
expiring shifted invalid dead incomplete removed fewer loops looping quit quits quitting
rate limit limited limiting throttle throttled throttles throttling loop inflated 2x 3x zero
` +
	// the words of the symptom cues in other languages (symptoms.go)
	`
duplicado duplicados duplicada duplicadas veces vez fois doppelt zweimal vezes equivocada equivocado
incorrecto incorrecta falsch faux fausse errado errada recibí recibido recibida reçu reçue erhalten
recebi recebido envía envían enviado enviados enviada envoyé envoyés envoyée verschickt versendet
verstuurd inviato inviati carga cargan carica lädt laadt carrega llega llegan chega chegam arriva
arrivano kommt actualiza aktualisiert aggiorna atualiza bijgewerkt abgelehnt rechazado rechazada
rechazó rifiutato rifiutata recusado recusada rejeté rejetée refusé refusée geweigerd reauthorize
reauthorise authorize authorise autorizar autoriseren autorisieren reconectar reconnecter koppelen
verbinden importa importiert importeert sbagliato sbagliata arrotondato redondeado gerundet afgerond
arrondi napparaissent napparaît aparecen aparece verschwunden fehlen ontbreken compaiono importing
syncing pulled volver authorization authorisation reauthorization reauthorisation autorización
`)

// people are the plural nouns customers name the people they serve by ("my clients say"): who
// meets the issue, rarely what it is. Matched by surface form, so "the JS client" stays a thing.
var people = surfaceSet(`clients customers users patients guests visitors members students buyers
shoppers subscribers attendees participants employees colleagues staff people kunden klanten
clientes clienti usuarios utilisateurs nutzer pacientes patienten gäste invitados`)

// nounCues often precede a noun: determiners, possessives and prepositions. A word right after one
// gets a small salience bonus. Matched by surface form.
var nounCues = surfaceSet(`the my our your their his her its this that these those a an of in on
at for with from into our any each every some no which`)

func surfaceSet(words string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(words) {
		set[w] = true
	}
	return set
}

func stemSet(words string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(words) {
		set[stem(w)] = true
	}
	return set
}

// isContent reports whether a token carries meaning: not a stopword, not a generic support word,
// at least two characters, and not a bare number.
func isContent(t token) bool {
	return len(t.surface) >= 2 && !stopwords[t.surface] && !genericWords[t.stem] && !isDigits(t.surface)
}
