package localmodel

import (
	"strings"

	"feedbackpipe/typo"
)

// foreignNouns maps common support nouns of Spanish, French, German, Portuguese, Dutch and
// Italian to their English word, so a message in one of those languages names its object as an
// English message about the same thing would, and a few English synonyms to one of them. General
// language only: orders, payments, accounts, messages, connections, bookings.
var foreignNouns = pairSet(`
pedido:order pedidos:order paquete:package paquetes:package reembolso:refund devolución:return
devolucion:return pago:payment tarjeta:card contraseña:password envío:shipping envio:shipping
notificación:notification notificaciones:notification sincronización:sync sincronizacion:sync
correo:email factura:invoice talla:size código:code codigo:code cargo:charge pantalla:screen
aplicación:app aplicacion:app error:error
commande:order colis:package remboursement:refund paiement:payment carte:card livraison:delivery
synchronisation:sync facture:invoice taille:size connexion:login écran:screen rappel:reminder
rappels:reminder notification:notification
bestellung:order paket:package rückerstattung:refund zahlung:payment karte:card passwort:password
lieferung:delivery benachrichtigung:notification benachrichtigungen:notification
synchronisierung:sync rechnung:invoice größe:size anmeldung:login bildschirm:screen
rücksendung:return
pacote:package pagamento:payment cartão:card senha:password entrega:delivery notificação:notification
notificações:notification sincronização:sync fatura:invoice tamanho:size rastreamento:tracking
chave:key painel:dashboard celular:phone
conexión:connection conexion:connection conexão:connection verbindung:connection koppeling:connection
verbinding:connection connessione:connection banco:bank banque:bank recordatorio:reminder
recordatorios:reminder erinnerung:reminder erinnerungen:reminder herinnering:reminder
herinneringen:reminder lembrete:reminder lembretes:reminder promemoria:reminder movimiento:transaction
movimientos:transaction transacción:transaction transacciones:transaction umsatz:transaction
umsätze:transaction transações:transaction transactie:transaction transacties:transaction
agenda:calendar kalender:calendar calendario:calendar calendrier:calendar cita:appointment
citas:appointment termin:appointment termine:appointment afspraak:appointment afspraken:appointment
reserva:booking reservas:booking buchung:booking boeking:booking réservation:booking
depósito:deposit deposito:deposit anzahlung:deposit acompte:deposit aanbetaling:deposit
betalingsherinnering:reminder betalingsherinneringen:reminder zahlungserinnerung:reminder
zahlungserinnerungen:reminder mahnung:reminder mahnungen:reminder
rapport:report informe:report bericht:report relatório:report rapporto:report verslag:report
tva:vat iva:vat mwst:vat
facturas:invoice factures:invoice rechnungen:invoice faturas:invoice fattura:invoice fatture:invoice
factuur:invoice facturen:invoice warteliste:waitlist wachtlijst:waitlist
` +
	// English synonyms of general support nouns, so paraphrases name one object
	`
parcel:package parcels:package shipment:package shipments:package voucher:coupon vouchers:coupon
promo:coupon alert:notification alerts:notification mail:email emails:email passcode:password
signin:login logon:login
` +
	// the names of languages, in those languages too: asked for in several, the need is the language
	`
english:language french:language german:language spanish:language dutch:language italian:language
portuguese:language inglés:language español:language francés:language alemán:language
anglais:language français:language allemand:language espagnol:language englisch:language
deutsch:language französisch:language spanisch:language inglese:language francese:language
tedesco:language engels:language frans:language duits:language nederlands:language inglês:language
espanhol:language francês:language alemão:language
`)

func pairSet(pairs string) map[string]string {
	m := map[string]string{}
	for _, p := range strings.Fields(pairs) {
		from, to, _ := strings.Cut(p, ":")
		m[from] = to
	}
	return m
}

// english is the English word for a common foreign support noun, else the word itself. A word of
// at least minNounSlip letters one slip from exactly one such noun (swapped, dropped or added
// letter: "reemboso", "reebmolso") is read as it, unless it is a common English word.
func english(w string) string {
	if e, ok := foreignNouns[w]; ok {
		return e
	}
	if len(w) < minNounSlip || commonness(stem(w)) > 0 {
		return w
	}
	if noun, ok := foreignNounSlips.Slip(w); ok {
		return foreignNouns[noun]
	}
	return w
}

// minNounSlip is the shortest word read as a misspelt foreign noun.
const minNounSlip = 6

// foreignNounSlips indexes the foreign nouns of minNounSlip letters or more.
var foreignNounSlips = func() *typo.Index {
	ix := typo.NewIndex()
	for w := range foreignNouns {
		if len(w) >= minNounSlip && foreignNouns[w] != w {
			ix.Add(w)
		}
	}
	return ix
}()
