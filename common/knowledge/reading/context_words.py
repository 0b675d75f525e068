"""Words that tell a thing from the context it is asked in: whose purchase one waits for, how
long a thing lasts, and words that name no thing at all (``analysis.terms``: ``OTHER``)."""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# One's own purchase, or waiting for one: a time beside such a word is a delivery time ("How
# long for my jacket?"), not a thing's ("How long is the warranty?"). Accent-free.
WAITING = _words(
    "my mine our ours for take takes taking need needs until till wait waiting get getting come "
    "comes coming mein meine meinen meiner unser unsere fur dauert dauern braucht brauchen bis "
    "warten mon ma mes notre nos pour prend prennent faut attendre mi mis nuestro nuestra para "
    "tarda tardan tardara hasta esperar mio mia miei mie nostro nostra per mette mettono vuole "
    "fino aspettare mijn onze voor duurt duren tot wachten"
)
# How long a thing lasts, whoever waits: "How long is the warranty on my sofa?".
LASTING = _words(
    "last lasts lasting valid validity warranty warranties guarantee guaranteed garantie garantien "
    "gewahrleistung haltbar haltbarkeit gultig duree durable validite garantia garanzia valido "
    "geldig houdbaar"
)
# Words that name no thing, beside such a word ("I'd like to know the price", "Ich möchte den
# Preis wissen"), accent-free; nor does a word with a digit ("at 8pm").
NOT_A_THING = _words(
    "like love want need know tell wonder wondering ask asking help today now tomorrow exactly "
    "usually roughly approximately about many more less much also again please thanks someone "
    "somebody anyone anybody morning afternoon evening tonight week question questions purchase "
    "purchases stuff things thing something anything everything mochte mochten will wollen wissen "
    "frage fragen bitte gerne heute morgen etwas voudrais veux savoir aujourd'hui demain quelque "
    "chose quiero quisiera saber pregunta hoy manana algo vorrei voglio sapere domanda oggi domani "
    "qualcosa wil wilt weten vraag graag vandaag iets live living based wohne habite vivo abito woon "
    # Having, which English and German stopwords hold ("¿Cuánto tiempo tengo?", "Hoeveel tijd heb ik?").
    "tengo tenemos tienes ho abbiamo hai ai avons as heb hebben hebt "
    # How long one has waited ("It's been 12 days", "Still nothing after two weeks").
    "been still yet already ago since after nothing one two three four five six seven eight nine "
    "ten eleven twelve weeks month months seit schon noch nichts immer wochen monat monate depuis "
    "toujours rien deja semaines mois desde todavia nada ya semanas mes meses ancora niente gia viel wieviel "
    "settimane mese mesi sinds nog niets al weken maand maanden zwei drei vier funf sechs sieben "
    "acht zehn deux trois quatre cinq sept huit dix dos tres cuatro cinco seis siete ocho diez "
    "due tre quattro cinque sei sette otto dieci twee drie vijf zes zeven tien ca fait hace fa "
    # A threshold ("Is it free above a certain amount?", "ab einem bestimmten Betrag?").
    "above over below under certain minimum ab uber bestimmten bestimmte vanaf boven bepaald "
    "bepaalde partir dessus certain certaine minimo partire sopra"
)
