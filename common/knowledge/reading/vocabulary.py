"""Shop language: the words shoppers and shops use for the same thing, in every language we speak.

Each word is mapped to language-neutral concepts ("Versand", "parcel" and "livraison" all mean
``@ship``), so a question matches an entry that says it differently, or in another language.
Patterns are accent-free and lower case; ``*`` ends a prefix (German and Dutch compounds such
as "Versandkosten" are also searched for a concept inside).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable

from common.knowledge.reading.countries import COUNTRIES
from common.knowledge.reading.in_context import BOUND
from common.knowledge.reading.language import unelided


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Late: a question about a parcel that is late asks what a missing one does, and about delays.
_LATE = (
    "is-late are-late it's-late its-late arrived-late late-delivery overdue "
    "verspat* retard* retras* ritard* vertraag* te-laat"
)
# Closing, when the shop or its team closes (not a ticket, an order or an account).
_CLOSING = (
    "you-close you-closed shop-close shop-closes shop-closed store-close store-closes store-closed "
    "support-close support-closes closing-time closing-times closing-hours "
    "ihr-geschlossen sie-geschlossen schliesst-ihr schliessen-sie wann-schliesst wann-schliessen "
    "fermez-vous vous-fermez etes-fermes heure-fermeture heures-fermeture "
    "cierran cierra-tienda chiudete chiudono chiude-negozio sluiten-jullie jullie-dicht jullie-gesloten"
)
_CONCEPTS: dict[str, str] = {
    "ship": "ship* deliver* parcel* package* arriv* dispatch* courier* postage receiv* "
    # Getting an order is receiving it ("When will I get my order?"; ``in_context.BOUND``).
    "get-order get-orders get-parcel get-package get-delivery "
    "versand* versend* verschick* liefer* paket* ankomm* ankunft zustell* erhalten "
    "livr* expedi* envoi* envoy* colis recu recue "
    "envio* envia* enviar entreg* paquete* llega* recibi* "
    "spedi* consegn* pacco pacchi arriva* ricevut* "
    "verzend* verzond* lever* pakket* bezorg* aankom* verstuur* verstuurd ontvang*",
    "duration": "long day days week* fast quick* soon time times "
    "lange dauer* dauert tage* woche* schnell* wann zeit* frist* "
    "temps delai* jour jours semaine* rapide* quand "
    "tarda* tiempo dias plazo* semana* rapid* cuando "
    "tempo tempi giorni settiman* veloc* quando "
    "lang duur* duurt dagen dag week weken snel* wanneer tijd* termijn* "
    # A deadline: "By when do I have to report it?" asks how long one has.
    "by-when until-when bis-wann jusqu'a-quand hasta-cuando entro-quando fino-quando tot-wanneer",
    "cost": "cost* price* fee fees charge charges charged much expensive eur euro* pay-for pay-extra amount "
    "kost* preis* gebuhr* teuer "
    "cout* prix frais tarif* combien "
    "cuest* precio* tarifa* cuanto "
    "prezz* tariff* quanto "
    "prijs* tarief* hoeveel",
    "free": "free gratis kostenlos* umsonst gratuit* gratuito gratuita gratuiti kosteloos",
    "return": "return* exchang* swap* send-back bring-back final-sale final-sales "
    # A size that does not fit (the shopper's choice, which returns cover).
    "wrong-size wrong-sizes too-small too-big too-large too-tight not-fit zu-klein zu-gross zu-eng "
    "falsche-grosse falschen-grosse mauvaise-taille talla-equivocada talla-incorrecta taglia-sbagliata "
    "verkeerde-maat passt-nicht trop-petit trop-petite trop-petits trop-petites trop-grand trop-grande "
    "trop-grands trop-grandes muy-pequeno muy-pequena muy-pequenos muy-grande muy-grandes demasiado-pequeno "
    "demasiado-pequena demasiado-grande "
    "troppo-piccolo troppo-piccola troppo-grande te-klein te-groot past-niet "
    "ruckgab* zuruck* rucksend* ruckversand* umtausch* umtauschen "
    "retour* renvo* echang* "
    "devol* devuelv* cambi* "
    "reso resi restitu* "
    "terugstur* ruil* terug* "
    # The legal right of withdrawal is the return window ("Widerrufsrecht", "délai de rétractation").
    "withdrawal cooling-off widerruf* retract* desistimiento recesso herroep*",
    "refund": "refund* money reimburs* erstatt* ruckerstatt* geld* rembours* argent "
    "reembols* dinero rimbors* soldi terugbeta* geld",
    "contact": "contact* reach support hotline service kundenservice kundendienst erreich* kontakt* "
    "joindre assistance atencion contatt* assistenza klantenservice bereik*",
    "phone": "phone* call* telephon* telefon* anruf* anrufen appel* appeler llam* chiam* bel bellen "
    "service-number support-number contact-number",
    "email": "email* e-mail mail* courriel* correo*",
    "hours": "open opening* hour* available monday* tuesday* wednesday* thursday* friday* saturday* "
    "sunday* weekend* geoffnet offnungszeit* servicezeit* erreichbar montag* samstag* sonntag* wochenende* "
    "ouvert* horaire* heure* lundi samedi* dimanche* "
    "horario* abiert* abre abren lunes sabado* domingo* "
    "orari* apert* lunedi sabato domenica "
    "geopend openingstijd* maandag zaterdag* zondag* " + _CLOSING,
    "track": "track* status where-is wo-ist ou-est donde-esta dov'e waar-is see-where know-where "
    "sendungsverfolgung verfolg* suivi* suivre seguimiento "
    "rastre* tracc* volg* wo-bleibt",
    "pay": "pay* paid card cards creditcard* credit visa mastercard amex klarna paypal "
    "zahl* bezahl* karte* kreditkarte* paiement* payer carte* pago pagar pagare pagament* tarjeta* carta "
    "betal* betaal* kaart*",
    "damage": "damag* broke broken crack* faulty defect* shatter* smash* "
    # Torn, or with a hole ("arrived with a hole", "hat ein Loch", "con un agujero").
    "torn ripped with-hole has-hole hole-in loch zerrissen* dechir* rasgad* agujero* strappat* gescheurd "
    "beschadig* kaputt* defekt* zerbroch* endommag* abim* casse* defectu* danad* roto rota "
    "danneggi* rotto rotta difettos* kapot* not-work not-working stopped-working funktioniert-nicht "
    "marche-pas no-funciona non-funziona werkt-niet",
    "cancel": "cancel* storn* annul* cancela* cancell* mistake no-longer",
    # Changing an order or its address (not exchanging an item: that is a return).
    "change": "change changes changing changed modify modifying modified modif* amend* edit edits "
    "editing alter andern anderung* abander* changer aendern modificar* modifica* wijzig* aanpass* "
    "verander*",
    # Adding or removing an item of an order: a change of it (``_IMPLIES``), not of its address.
    "items": "add adds adding added remove removes removing removed hinzufug* entfern* ajout* supprim* "
    "anad* agreg* quitar elimin* aggiung* togli* rimuov* toevoeg* verwijder*",
    "address": "address* adress* adresse* direccion* indirizz* adres* moved move umgezogen verhuisd",
    # A parcel that did not come, or not yet ("hasn't arrived", "never received it", "is late").
    "missing": "not-arrived not-arrive never-arrived not-received not-receive never-received "
    "not-delivered never-delivered not-come never-came not-get not-got never-got lost missing " + _LATE + " "
    "nicht-angekommen nie-angekommen nicht-erhalten nie-erhalten nicht-bekommen nie-bekommen "
    "nicht-geliefert verloren* "
    "pas-arrive pas-recu jamais-recu jamais-arrive pas-livre perdu* "
    "no-llego no-llegado no-llega no-llegan no-recibi no-recibido nunca-llego nunca-recibi perdido* "
    "non-arrivato non-ricevuto mai-arrivato mai-ricevuto perso smarrit* "
    "niet-aangekomen niet-ontvangen nooit-aangekomen nooit-ontvangen niet-geleverd niet-aankomt "
    "niet-gekregen nooit-gekregen niet-komt kwijt "
    # The tracking says it came, the shopper says not: "says delivered", "marked as delivered".
    "says-delivered shows-delivered showing-delivered marked-delivered status-delivered "
    "als-zugestellt zeigt-zugestellt dice-entregado marque-livre indique-livre",
    "late": _LATE + " delay*",
    "express": "express* expres* espress*",
    # When an order must be in to leave the same day.
    "cutoff": "cut-off cutoff cut-offs same-day bestellschluss annahmeschluss selben-tag "
    "gleichen-tag heure-limite meme-jour mismo-dia hora-limite stesso-giorno orario-limite "
    "dezelfde-dag besteltijd noch-heute heute-verschickt heute-versendet jour-meme in-giornata",
    "sale": "sale sales reduced discount* clearance reduziert* rabatt* ausverkauf* solde* "
    "rebaj* oferta* saldi scont* uitverkoop korting*",
    "personalised": "personali* personnalis* customis* customiz* engrav* monogram* gepersonaliseerd",
    "hygiene": "hygien* cosmetic* shampoo* makeup underwear earring* higiene* igien*",
    # Whether an item has been used: the condition a return asks ("unread", "unused", "worn").
    # Not "used", which a shop writes of anything ("the payment method you used").
    "used": "unused unread read reading worn unworn opened unopened gelesen* ungelesen* benutzt* "
    "unbenutzt* getragen* ungetragen* geoffnet* ungeoffnet* gelezen ongelezen ongebruikt leido letto "
    "indossato",
    # Shop topics a shop may not write about: a question about them is not about payment.
    # A gift card, not a gift: gift wrapping is no gift card ("Do you gift-wrap?"); nor is a
    # discount code, which is no sale item either ("Is there a discount code?"). A voucher is a
    # gift card; a voucher code a discount.
    "giftcard": "voucher* gutschein* buono* bon-cadeau bons-cadeaux tegoedbon* cadeaubon* cadeaukaart* "
    "gift-card gift-cards giftcard* gift-voucher gift-vouchers gift-certificate gift-certificates "
    "geschenkkarte* carte-cadeau cartes-cadeaux cheque-cadeau cheques-cadeaux tarjeta-regalo "
    "tarjetas-regalo vale-regalo vales-regalo carta-regalo carte-regalo buoni-regalo",
    # Wrapping an order as a gift (not the packaging a return goes back in).
    "giftwrap": "wrap* giftwrap* geschenkverpack* geschenkpapier* als-geschenk emballage-cadeau "
    "emballages-cadeaux papier-cadeau paquet-cadeau envolver* envoltorio* papel-regalo confezione-regalo "
    "confezioni-regalo pacchetto-regalo incart* cadeauverpak* cadeaupapier*",
    "discount": "coupon* promo* discount-code discount-codes voucher-code voucher-codes rabattcode* "
    "gutscheincode* code-promo cupon* codice-sconto kortingscode*",
    "pricematch": "price-match price-matching price-guarantee best-price preisgarantie* "
    "tiefpreisgarantie* bestpreis* garantie-de-prix meilleur-prix garantia-de-precio",
    # Collecting an order instead of having it delivered: a shop may not offer it.
    "pickup": "pickup pick-up click-and-collect click-collect abhol* selbstabhol* "
    "retrait* recoger recogida ritir* afhal* ophalen",
    "customs": "customs zoll* douane* aduana* dogan*",
    # Nobody in when the courier comes; an item not the one ordered (not a size that does not
    # fit): a shop may not write about either, nor is it a delivery time or the returns policy.
    "absent": "not-home nobody-home noone-home away-when missed-delivery nicht-zuhause nicht-hause "
    "nicht-daheim niemand-da niemand-zuhause pas-chez absent absente nadie-casa fuera-casa "
    "ausente nessuno-casa fuori-casa niet-thuis niemand-thuis out-when "
    # Away on holiday ("Ich bin bis Freitag im Urlaub"; a public holiday is the shop's "Feiertag").
    "urlaub be-holiday be-vacation am-holiday am-vacation en-vacances de-vacaciones in-vacanza in-ferie "
    "op-vakantie met-vakantie",
    "wrong": "wrong-item wrong-items wrong-product wrong-products wrong-article wrong-thing "
    "wrong-order wrong-colour wrong-color wrong-one falscher-artikel falsche-artikel falschen-artikel "
    "falsches-produkt falschen-produkt falsche-ware falsche-farbe mauvais-article mauvais-produit "
    "articulo-equivocado producto-equivocado articolo-sbagliato "
    "prodotto-sbagliato verkeerde-artikel verkeerd-artikel verkeerde-product",
    # How a return starts: its label, form or link ("Start a return from the link in ...").
    "label": "label labels etikett* etiquet* etiqueta* etichett* etiket* retourenschein* rucksendeschein* "
    "start-return starting-return begin-return return-form return-forms rucksendeformular* "
    "retourenformular* formulaire-retour formulario-devolucion modulo-reso retourformulier*",
    # Sizes: counted only where the shop writes about them (``SOFT_CONCEPTS``).
    "size": "size sizes sizing grosse grossen taille tailles talla tallas taglia taglie maat maten",
    # What the shop sells: a shop may not write about its range ("Do you sell shipping boxes?").
    "range": "sell sells selling sold verkauft verkaufen vendez vendeis venden vendete vendono vende "
    "verkopen verkoopt",
    # Whether an item is there to buy now: no more the range than the range is stock.
    "stock": "stock stocked lager vorratig lieferbar voorraad",
    # Many copies of one thing ("15 copies for our book club", "in bulk", "Mengenrabatt").
    "bulk": "bulk wholesale copies quantities exemplare exemplaren exemplaires ejemplares copie "
    "mengenrabatt grossbestellung* staffelkorting groothandel en-gros al-por-mayor all-ingrosso",
    "country": "country countries land pays pais paese",
}
# Concepts that join a question to the shop's text in another language ("Welche Größe?" and a
# size guide, "Retourenetikett" and "Start a return"), but that a shop which never writes about
# them does not make a topic of their own: "Can I return it in another size?" is still a
# returns question.
THINGS = frozenset({"size", "label", "items"})
SOFT_CONCEPTS = frozenset(f"@{c}" for c in THINGS)
# Kinds of item a returns policy sets conditions for ("Sale items can be returned for store
# credit only"). A question about one of them alone asks whether the shop offers it ("Do you
# offer student discounts?", "Do you do engraving?"): such a condition does not answer it.
ITEM_KINDS = frozenset({"@sale", "@personalised", "@hygiene"})
CONDITIONED_TOPICS = frozenset({"@return", "@refund"})
# Words that name a shop concept only in context (to "call" the shop, not a taxi; a "free"
# delivery, not a free sample), and any word that only asks a price: alone beside a thing the
# shop never writes about, the question is about that thing (``analysis.terms``: ``OTHER``).
IN_CONTEXT = _words("available call calls mail mailing free gratis track stock vorratig lieferbar voorraad")
OTHER = "@other"
# "When", which every language's stopword list drops: a question about shipping that starts
# with it ("When will my order arrive?") asks how long (``KnowledgeIndex.query``).
WHEN = frozenset({"when", "wann", "quand", "cuando", "quando", "wanneer"})
# "How much" asks about money, unless it is "how much time" ("combien de temps", "cuanto tarda").
HOW_MUCH = frozenset({"much", "combien", "cuanto", "quanto", "hoeveel"})
# Asking for a phone number or an email address is asking for a way to reach the shop; adding an
# item to an order is changing it.
_IMPLIES: dict[str, tuple[str, ...]] = {"phone": ("contact",), "email": ("contact",), "items": ("change",)}
# Duties and import taxes: customs, and a fee (``_tables``).
_DUTIES = (
    "duty duties import-duty import-duties import-tax import-taxes import-fee import-fees import-charges "
    "einfuhr* zollgebuhr* droits-de-douane taxe-importation taxes-importation arancel* impuestos-importacion "
    "dazi dazio invoerrecht* importbelasting*"
)
_MIN_INNER = 4  # shortest concept searched for inside a compound word


@functools.cache
def _tables() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """(whole word → concepts, prefix → concepts)."""
    exact: dict[str, set[str]] = {}
    prefixes: dict[str, set[str]] = {}
    groups = [(c, p, _IMPLIES.get(c, ())) for c, p in _CONCEPTS.items()]
    groups += [(c, p, ("country",)) for c, p in COUNTRIES.items()]
    groups += [(c, p, ()) for c, p in BOUND.items()]  # resolved by ``in_context.bound_concepts``
    groups.append(("customs", _DUTIES, ("cost",)))
    for concept, patterns, also in groups:
        for pattern in patterns.split():
            table = prefixes if pattern.endswith("*") else exact
            table.setdefault(pattern.rstrip("*").replace("-", " "), set()).update((concept, *also))
    return (
        {w: frozenset(c) for w, c in exact.items()},
        {p: frozenset(c) for p, c in prefixes.items()},
    )


@functools.cache
def _prefix_lengths() -> tuple[int, ...]:
    return tuple(sorted({len(p) for p in _tables()[1]}, reverse=True))


def concepts_of(word: str) -> frozenset[str]:
    """The concepts an accent-free lower-case word stands for (empty: none)."""
    exact, prefixes = _tables()
    found = set(exact.get(word, ()))
    if not found and (bare := unelided(word)) != word:
        return concepts_of(bare)  # "l'adresse", "d'expedition", "dell'ordine"
    for length in _prefix_lengths():
        hit = prefixes.get(word[:length]) if length <= len(word) else None
        if hit:
            found.update(hit)
            break
    if len(word) >= 2 * _MIN_INNER and word not in exact:
        # A compound: "versandkosten", "lieferzeit", "mastercard" (a word of its own is none:
        # "Österreich" holds no "erreich", reach).
        for start in range(_MIN_INNER - 1, len(word) - _MIN_INNER + 1):
            found.update(concepts_of_prefix(word[start:]))
    return frozenset(found)


def concepts_of_prefix(rest: str) -> frozenset[str]:
    _, prefixes = _tables()
    for length in _prefix_lengths():
        if _MIN_INNER <= length <= len(rest) and rest[:length] in prefixes:
            return prefixes[rest[:length]]
    return frozenset()


def phrase_concepts(folded_words: list[str]) -> set[str]:
    """Concepts of two-word patterns ("united kingdom", "l'heure limite") in accent-free words, also
    with one word between ("non ho ricevuto"), and of English phrasal verbs ("send the item back")."""
    exact, _ = _tables()
    words = [unelided(w) for w in folded_words]
    pairs = [*itertools.pairwise(words), *zip(words, words[2:], strict=False)]
    found = {c for pair in pairs for c in exact.get(" ".join(pair), ())}
    if "back" in folded_words and _BACK_VERBS & set(folded_words):
        found.add("return")
    return found


_BACK_VERBS = frozenset({"send", "sending", "sent", "ship", "bring", "take", "mail", "post"})


def known_words() -> Iterable[str]:
    """Every word and prefix the vocabulary knows (candidates when correcting a typo)."""
    exact, prefixes = _tables()
    return [*(w for w in exact if " " not in w), *(p for p in prefixes if len(p) >= 4)]
