package localmodel

// A compact general-English frequency table: the words everyday English uses most, in two bands,
// written from general usage (none is about a product or an industry). A word of a band is
// common and says little about what a support message is about; a word in neither band is rare
// and usually names the thing that misbehaves (an "IDF" without a corpus). Matched by stem.

// veryCommonWords are roughly the 400 most frequent English content words.
var veryCommonWords = stemSet(`
people person man woman child world life hand part place case week company system program number
group problem fact home water room mother area money story point government night study book eye
job word business side kind head house friend father power hour game line end member law car city
community name president team minute idea kid body back parent face others level office door health
art war history party result change morning reason research girl guy moment air teacher force
education foot boy age policy everything process music market sense nation plan college interest
death experience effect class control care field development role effort rate heart drug show leader
light voice wife police mind price report decision son view relationship town road arm difference
value building action model season society tax director position player record paper space ground
form event official matter center couple site project activity star table need court oil situation
cost industry figure street image phone data picture practice piece land product doctor wall patient
worker news test movie north love support technology step baby computer type attention film tree
source organization hair window evidence population site someone list state new old big high small
large long great little young important public bad same able few early late real best better
sure free full special easy clear recent certain personal open red difficult available likely short
single medical current wrong private past foreign fine common poor natural significant similar hot
dead central happy serious ready simple left physical general environmental financial blue democratic
dark various entire close legal religious cold final main green nice huge popular traditional
cultural make get go know take see come think look want give use find tell ask work seem feel try
leave call keep let begin help talk turn start show hear play run move like live believe hold bring
happen write provide sit stand lose pay meet include continue set learn lead understand watch follow
stop create speak read allow add spend grow open walk win offer remember love consider appear buy
wait serve die send expect build stay fall cut reach kill remain suggest raise pass sell require
decide return explain hope develop carry break receive agree support hit produce eat cover catch
draw choose cause point listen realize place close involve thank sound wonder mean put end say
do have be will would can could should may might must shall day time year way thing good first last
long great own other old right big high different small large next early young important few public
same able
`)

// commonWords are the next roughly 600 frequent English content words.
var commonWords = stemSet(`
account address age amount answer apply approach argument arrive article artist attack attempt
loose tight
audience author authority available avoid balance bank bar base basis bear beat beautiful bed
behavior benefit bill bit black blood board box brother budget call camera campaign candidate capital
card career cell chair challenge chance character charge check choice church citizen claim clearly
coach collection color commercial common compare concern condition conference congress contain
content country course create crime cultural cup current customer dark daughter deal debate decade
defense degree describe design detail determine dinner direction discover discussion disease
doctor dream drive economy edge effect election element employee energy enjoy environment establish
evening exactly exist expert explain factor failure fast federal feeling film finger fire firm fish
floor fly focus food forget forgot forgotten form forward free fund future garden gas glass goal gun hang heat
heavy hospital hotel hundred husband identify imagine improve increase indicate individual
information inside instead institution international interview investment issue item itself join
key knowledge lawyer lay lead letter lie listen loss machine magazine maintain major manage manager
material measure media medical meeting memory mention message method middle military million minute
miss mission modern month movement natural nature near necessary network note notice occur offer
officer often operation option order organization outside owner page pain painting paper partner
pattern peace perform performance period phone physical pick picture plant play pm poor popular
population positive possible prepare present pressure pretty prevent private probably process
professional professor property protect prove purpose quality question quickly radio range rather
reality receive recognize reduce region relate release remove represent require resource response
rest rich rise risk rock rule safe save scene school science score screen sea season seat second
section security seek senior series serious service share shoot shot shoulder sign simply sing
sister size skill skin smile social soldier song sort south speech sport staff stage standard
statement station stock store strategy strong structure student style subject success suffer
summer sure surface system talk task teach term theory thought thousand threat throw today total
tough toward trade training travel treat treatment trial trip trouble true truth unit upon usually
various version victim visit vote weapon weight west white whole window within without worker
worry writer yard yeah yet
`)

// commonness is how ordinary a stem is in general English: 1 for the most frequent words, 0.5 for
// common ones, 0 for the rest (rare words, names, jargon, other languages' words).
func commonness(stem string) float64 {
	switch {
	case veryCommonWords[stem]:
		return 1
	case commonWords[stem]:
		return 0.5
	}
	return 0
}

// informativeness weighs a term by how rare it is in general English: 1 for a rare word, down to
// 0.45 for the most frequent ones.
func informativeness(stem string) float64 { return 1 - 0.55*commonness(stem) }
