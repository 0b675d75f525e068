"""What the knowledge answerer says in its own words, in every language it speaks."""

from __future__ import annotations

from common.knowledge.reading.language import Language

# The name of each language (columns) in each language (rows).
_LANGUAGE_NAMES: dict[Language, dict[Language, str]] = {
    "en": {"en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "nl": "Dutch"},
    "de": {
        "en": "Englisch",
        "de": "Deutsch",
        "fr": "Französisch",
        "es": "Spanisch",
        "it": "Italienisch",
        "nl": "Niederländisch",
    },
    "fr": {
        "en": "anglais",
        "de": "allemand",
        "fr": "français",
        "es": "espagnol",
        "it": "italien",
        "nl": "néerlandais",
    },
    "es": {
        "en": "inglés",
        "de": "alemán",
        "fr": "francés",
        "es": "español",
        "it": "italiano",
        "nl": "neerlandés",
    },
    "it": {
        "en": "inglese",
        "de": "tedesco",
        "fr": "francese",
        "es": "spagnolo",
        "it": "italiano",
        "nl": "olandese",
    },
    "nl": {
        "en": "Engels",
        "de": "Duits",
        "fr": "Frans",
        "es": "Spaans",
        "it": "Italiaans",
        "nl": "Nederlands",
    },
}

_WRITTEN_IN: dict[Language, str] = {
    "en": "Our help pages are in {language}; here is what they say:",
    "de": "Unsere Hilfeseiten gibt es nur auf {language}; dort steht:",
    "fr": "Nos pages d'aide sont en {language} ; voici ce qu'elles disent :",
    "es": "Nuestras páginas de ayuda están en {language}; esto es lo que dicen:",
    "it": "Le nostre pagine di aiuto sono in {language}; ecco cosa dicono:",
    "nl": "Onze hulppagina's zijn in het {language}; dit staat erin:",
}

_SOURCES: dict[Language, tuple[str, str]] = {
    "en": ("Source", "Sources"),
    "de": ("Quelle", "Quellen"),
    "fr": ("Source", "Sources"),
    "es": ("Fuente", "Fuentes"),
    "it": ("Fonte", "Fonti"),
    "nl": ("Bron", "Bronnen"),
}

_NOT_COVERED: dict[Language, str] = {
    "en": "I couldn't find that in our help pages, and I don't want to guess. I can help with "
    "shipping, delivery times, returns and refunds, payment and our support hours.",
    "de": "Dazu habe ich auf unseren Hilfeseiten nichts gefunden, und ich möchte nicht raten. Ich "
    "helfe gern bei Fragen zu Versand, Lieferzeiten, Rückgabe und Erstattung, Zahlung und unseren "
    "Servicezeiten.",
    "fr": "Je n'ai rien trouvé à ce sujet dans nos pages d'aide et je préfère ne pas deviner. Je peux "
    "vous aider pour la livraison, les délais, les retours et remboursements, le paiement et nos "
    "horaires.",
    "es": "No he encontrado nada sobre eso en nuestras páginas de ayuda y prefiero no adivinar. Puedo "
    "ayudarte con envíos, plazos de entrega, devoluciones y reembolsos, pagos y nuestro horario.",
    "it": "Non ho trovato nulla a riguardo nelle nostre pagine di aiuto e preferisco non tirare a "
    "indovinare. Posso aiutarti con spedizioni, tempi di consegna, resi e rimborsi, pagamenti e i "
    "nostri orari.",
    "nl": "Daarover vond ik niets op onze hulppagina's, en ik wil niet gokken. Ik help graag met "
    "verzending, levertijden, retouren en terugbetalingen, betalen en onze openingstijden.",
}

_ORDER_LOOKUP: dict[Language, str] = {
    "en": "I can't look up individual orders or their status.",
    "de": "Einzelne Bestellungen und ihren Status kann ich leider nicht einsehen.",
    "fr": "Je ne peux pas consulter les commandes ni leur statut.",
    "es": "No puedo consultar pedidos concretos ni su estado.",
    "it": "Non posso consultare i singoli ordini né il loro stato.",
    "nl": "Ik kan geen individuele bestellingen of hun status inzien.",
}

# Worded as ``_NOT_NAMED`` is ("don't mention"), so the console's *Unanswered* list
# (``UNANSWERED_PATTERN``) holds the question as a gap.
_CUSTOMS_FEES_UNSAID: dict[Language, str] = {
    "en": "Our help pages don't mention whether customs duties or import taxes apply.",
    "de": "Ob Zoll oder Einfuhrabgaben anfallen, wird auf unseren Hilfeseiten nicht erwähnt.",
    "fr": "Nos pages d'aide ne mentionnent pas si des droits de douane ou des taxes d'importation "
    "s'appliquent.",
    "es": "Nuestras páginas de ayuda no mencionan si se aplican aranceles o impuestos de importación.",
    "it": "Le nostre pagine di aiuto non menzionano se si applicano dazi o tasse d'importazione.",
    "nl": "Onze hulppagina's noemen niet of er invoerrechten of importbelastingen gelden.",
}

_WHICH_PRICE: dict[Language, str] = {
    "en": "What would you like to know the price of? Our help pages give prices for: {options}.",
    "de": "Wofür möchten Sie den Preis wissen? Unsere Hilfeseiten nennen Preise zu: {options}.",
    "fr": "De quoi voulez-vous connaître le prix ? Nos pages d'aide donnent les prix pour : {options}.",
    "es": "¿De qué quieres saber el precio? Nuestras páginas de ayuda dan precios de: {options}.",
    "it": "Di cosa vuoi sapere il prezzo? Le nostre pagine di aiuto indicano i prezzi di: {options}.",
    "nl": "Van wat wil je de prijs weten? Onze hulppagina's noemen prijzen voor: {options}.",
}

_WHICH_DEADLINE: dict[Language, str] = {
    "en": "Which deadline do you mean? Our help pages give deadlines for: {options}.",
    "de": "Welche Frist meinen Sie? Unsere Hilfeseiten nennen Fristen zu: {options}.",
    "fr": "De quel délai parlez-vous ? Nos pages d'aide donnent des délais pour : {options}.",
    "es": "¿Qué plazo quieres saber? Nuestras páginas de ayuda dan plazos de: {options}.",
    "it": "Quale termine intendi? Le nostre pagine di aiuto indicano termini per: {options}.",
    "nl": "Welke termijn bedoel je? Onze hulppagina's noemen termijnen voor: {options}.",
}

_OTHER_LANGUAGE: dict[Language, str] = {
    "en": "I can only answer in English, German, French, Spanish, Italian and Dutch. Please ask again "
    "in one of them.",
    "de": "Ich kann nur auf Deutsch, Englisch, Französisch, Spanisch, Italienisch und Niederländisch "
    "antworten. Bitte fragen Sie in einer dieser Sprachen.",
    "fr": "Je ne peux répondre qu'en français, anglais, allemand, espagnol, italien et néerlandais. "
    "Merci de reposer votre question dans l'une de ces langues.",
    "es": "Solo puedo responder en español, inglés, alemán, francés, italiano y neerlandés. Vuelve a "
    "preguntar en uno de ellos, por favor.",
    "it": "Posso rispondere solo in italiano, inglese, tedesco, francese, spagnolo e olandese. Fai di "
    "nuovo la domanda in una di queste lingue, per favore.",
    "nl": "Ik kan alleen antwoorden in het Nederlands, Engels, Duits, Frans, Spaans en Italiaans. "
    "Stel je vraag opnieuw in een van die talen.",
}

_REACH_TEAM: dict[Language, str] = {
    "en": "Our team is happy to help:",
    "de": "Unser Team hilft Ihnen gern weiter:",
    "fr": "Notre équipe vous aidera volontiers :",
    "es": "Nuestro equipo te ayudará con gusto:",
    "it": "Il nostro team ti aiuterà volentieri:",
    "nl": "Ons team helpt je graag verder:",
}

# A place the shop's pages never name ("Do you ship to Canada?"): said before what they say.
_NOT_NAMED: dict[Language, str] = {
    "en": "Our help pages don't mention “{place}”.",
    "de": "„{place}“ wird auf unseren Hilfeseiten nicht erwähnt.",
    "fr": "Nos pages d'aide ne mentionnent pas « {place} ».",
    "es": "Nuestras páginas de ayuda no mencionan «{place}».",
    "it": "Le nostre pagine di aiuto non menzionano «{place}».",
    "nl": "Onze hulppagina's noemen „{place}” niet.",
}


# A price the pages give other places, not this one ("How much is shipping to Canada?"). Worded as
# ``_NOT_NAMED`` is, so the console's *Unanswered* list (``UNANSWERED_PATTERN``) holds it too.
_NO_PRICE_FOR: dict[Language, str] = {
    "en": "Our help pages don't mention a price for “{place}”.",
    "de": "Ein Preis für „{place}“ wird auf unseren Hilfeseiten nicht erwähnt.",
    "fr": "Nos pages d'aide ne mentionnent pas de prix pour « {place} ».",
    "es": "Nuestras páginas de ayuda no mencionan un precio para «{place}».",
    "it": "Le nostre pagine di aiuto non menzionano un prezzo per «{place}».",
    "nl": "Onze hulppagina's noemen geen prijs voor „{place}”.",
}


# A delivery time the pages give other places, not this one ("How long to Canada?"): worded so too.
_NO_TIME_FOR: dict[Language, str] = {
    "en": "Our help pages don't mention a delivery time for “{place}”.",
    "de": "Eine Lieferzeit für „{place}“ wird auf unseren Hilfeseiten nicht erwähnt.",
    "fr": "Nos pages d'aide ne mentionnent pas de délai de livraison pour « {place} ».",
    "es": "Nuestras páginas de ayuda no mencionan un plazo de entrega para «{place}».",
    "it": "Le nostre pagine di aiuto non menzionano un tempo di consegna per «{place}».",
    "nl": "Onze hulppagina's noemen geen levertijd voor „{place}”.",
}


def no_price_for(language: Language, place: str) -> str:
    return _NO_PRICE_FOR[language].format(place=place)


def no_time_for(language: Language, place: str) -> str:
    return _NO_TIME_FOR[language].format(place=place)


def not_named(language: Language, place: str) -> str:
    return _NOT_NAMED[language].format(place=place)


def written_in(shopper: Language, shop: Language) -> str:
    """Says, in the shopper's language, that the facts follow in the shop's."""
    return _WRITTEN_IN[shopper].format(language=_LANGUAGE_NAMES[shopper][shop])


def sources_line(language: Language, titles: list[str]) -> str:
    singular, plural = _SOURCES[language]
    return f"*{singular if len(titles) == 1 else plural}: {', '.join(titles)}*"


def not_covered(language: Language) -> str:
    return _NOT_COVERED[language]


def order_lookup(language: Language) -> str:
    return _ORDER_LOOKUP[language]


def customs_fees_unsaid(language: Language) -> str:
    return _CUSTOMS_FEES_UNSAID[language]


def which_price(language: Language, titles: list[str]) -> str:
    """Asks which thing's price the shopper means, naming the pages that give one."""
    return _WHICH_PRICE[language].format(options=", ".join(f"“{t}”" for t in titles))


def which_deadline(language: Language, titles: list[str]) -> str:
    """Asks which deadline the shopper means, naming the pages that give one."""
    return _WHICH_DEADLINE[language].format(options=", ".join(f"“{t}”" for t in titles))


def other_language(language: Language) -> str:
    """Says, in ``language`` (the shop's), which languages the answerer reads."""
    return _OTHER_LANGUAGE[language]


def reach_team(language: Language) -> str:
    return _REACH_TEAM[language]
