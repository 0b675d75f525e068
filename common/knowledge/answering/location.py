"""Places: where the shop's store, warehouse or address is and where it ships from (only a text
that says where answers it), and a country the shop's pages never name."""

from __future__ import annotations

import itertools
import re

from common.knowledge.reading.analysis import WHERE_IS_YOUR, asks_the_shops_address, folded
from common.knowledge.reading.countries import COUNTRY_CONCEPTS, WORLD
from common.knowledge.reading.language import fold
from common.knowledge.reading.vocabulary import concepts_of, phrase_concepts
from common.knowledge.search.passages import ScoredPassage, choose
from common.knowledge.search.retrieval import KnowledgeIndex, Query

# "Where is your (nearest) store?", "Wo ist euer Lager?": a place of the shop's, by name (not
# "Where is your tracking link?"), accent-free.
_WHERE_IS_YOUR_PLACE = re.compile(
    WHERE_IS_YOUR + r"( \w+)? "
    r"(stores?|shops?|warehouses?|showroom|office|outlet|branch|headquarters|hq|boutique|premises"
    r"|laden|geschaft|lager|filiale|buro|sitz|standort|magasin|entrepot|bureau|siege|tienda|almacen"
    r"|oficina|sede|local|negozio|magazzino|ufficio|winkel|magazijn|kantoor|vestiging)\b"
)
# Asking where (stems, which a text that says where need not repeat).
_ASKING_WHERE = frozenset(
    {"where", "wo", "ou", "donde", "dove", "waar", "locat", "based", "situat", "befind"}
)
# "Where", "wohin", "où", "adónde", "waarheen" as a shopper writes it (accent-free).
_WHERE = frozenset({"where", "wo", "wohin", "ou", "donde", "adonde", "dove", "waar", "waarheen"})
# A text that says where: "located", "visit us", or a street with its number ("Torstraße 12",
# "Lagerweg 3", "12 rue de Rivoli", "5 Main Street", "Via Roma 5"); a number beside a word
# ("1000 Euro", "since 2015 Acme", "onderweg") is none.
_SAYS_WHERE = re.compile(
    r"\b(located|based in|situated|find us|visit us|befindet sich|finden sie uns|se trouve"
    r"|se encuentra|si trova|gevestigd)\b"
    r"|(stra(ss|ß)e|str\.|weg|platz|allee|gasse|damm|straat|laan|gracht|plein) \d{1,4}\b"
    r"|\b\d{1,4}[a-z]?,? (rue|avenue|boulevard|chemin|place|street|road|lane)\b"
    r"|\b\d{1,4}[a-z]? (?-i:[A-Z]\w+) (street|road|avenue|lane|st|rd)\b"
    r"|(?-i:\b(Calle|Avenida|Plaza|Via|Viale|Piazza|Corso) )[^\W\d]+( [^\W\d]+){0,4},? \d",
    re.IGNORECASE,
)


# "Where do you ship from?", "Where are your products shipped from?", "D'où expédiez-vous ?",
# "Aus welchem Land versendet ihr?" (accent-free): where parcels leave from, not where they go.
_ASKS_WHERE_FROM = re.compile(
    r"\b(ship|ships|shipped|shipping|send|sends|sent|dispatch|dispatches|dispatched|post|posted)"
    r"( \w+){0,3} from\b"
    r"|\b(woher|von wo|aus welchem land|d'ou|desde donde|de donde|da dove|vanwaar|waarvandaan)\b.*"
    r"\b(versend|verschick|liefer|expedi|envoy|envi|spedi|invia|verzend|verstuur)"
    r"|\bwaar\b.*\b(verzend|verstuur|verzond)\w* .*\bvandaan\b"
    r"|\bwaar\b.*\bvandaan\b.*\b(verzend|verstuur|verzond)"
)
# A destination named too ("Can you ship from Germany to Norway?"): where parcels go.
_TO_A_PLACE = re.compile(r"\b(to|nach|naar|vers|verso)\b")
# A text that says where parcels leave from: "We ship from our warehouse in Leipzig", "Versand
# aus Berlin", "Expédié depuis Lyon"; not "shipped from Monday to Friday".
_SAYS_FROM = re.compile(
    r"\b(ship|ships|shipped|dispatch|dispatches|dispatched|send|sends|sent)( \w+){0,3} from"
    r"(?! (mon|tue|wed|thu|fri|sat|sun|the day|\d))\b"
    r"|\bfrom our (warehouse|store|shop|studio|workshop)\b"
    r"|\b(versand|versendet|versenden|verschicken|liefern)( \w+){0,3} (aus|ab)\b(?! \d)"
    r"|\b(exp[eé]di\w*|envoy\w*) depuis\b|\b(enviamos|enviado|enviados) desde\b"
    r"|\b(spediamo|spedito|spediti|spedizione) da\b(?! \d)|\b(verzonden|versturen|verzenden) vanuit\b",
    re.IGNORECASE,
)
# Asking where from (stems), beside asking where.
_ASKING_WHERE_FROM = _ASKING_WHERE | {"woher", "desd", "vanwaar", "vandaan"}


def asks_where_it_ships_from(question: str) -> bool:
    """Whether ``question`` asks where the shop's parcels leave from ("Where do you ship from?"),
    which "We ship to the EU" does not answer."""
    text = folded(question)
    return bool(_ASKS_WHERE_FROM.search(text)) and not _TO_A_PLACE.search(text)


def saying_where_from(index: KnowledgeIndex, query: Query, *, min_coverage: float) -> list[ScoredPassage]:
    """The passages that say where parcels leave from (none: the pages do not say)."""
    return _saying(_SAYS_FROM, index, query, asking=_ASKING_WHERE_FROM, min_coverage=min_coverage)


def _saying(
    says: re.Pattern[str], index: KnowledgeIndex, query: Query, *, asking: frozenset[str], min_coverage: float
) -> list[ScoredPassage]:
    """The passages that match ``says`` and cover what ``query`` asks about, without its words
    of ``asking`` (a text that says where need not say "where")."""
    thing = Query(query.language, [t for t in query.terms if t not in asking])
    ranked = [r for r in index.rank_passages(thing) if says.search(r.passage.text)]
    return choose(ranked, min_coverage=min_coverage)


def where_to_send_it_back(
    index: KnowledgeIndex, query: Query, question: str, *, min_coverage: float
) -> list[ScoredPassage]:
    """Where a return goes ("I want to return a book. Where do I send it?"): the sentences of
    returns that say where (a street and number), if the pages have one."""
    if "@return" not in query.terms or not _WHERE.intersection(folded(question).split()):
        return []
    return _saying(_SAYS_WHERE, index, query, asking=_ASKING_WHERE, min_coverage=min_coverage)


def asks_where_the_shop_is(question: str) -> bool:
    """Whether ``question`` asks where a place of the shop's is ("Where is your store?", "Wo
    ist euer Lager?", "What is your address?"), which only a text that says where answers."""
    return bool(_WHERE_IS_YOUR_PLACE.search(folded(question))) or asks_the_shops_address(question)


def saying_where(
    index: KnowledgeIndex, query: Query, question: str, *, min_coverage: float
) -> list[ScoredPassage]:
    """The passages that say where the thing asked about is ("Where is your store?" is not
    answered by "store credit"); for the shop's address, the one entry that says where."""
    chosen = _saying(_SAYS_WHERE, index, query, asking=_ASKING_WHERE, min_coverage=min_coverage)
    if chosen or not asks_the_shops_address(question):
        return chosen
    where = [p for p in index.passages if _SAYS_WHERE.search(p.text)]
    if len({p.entry.key for p in where}) != 1:
        return []
    return [ScoredPassage(p, 1.0, 1.0) for p in where]


def unnamed_place(index: KnowledgeIndex, query: Query, texts: list[str]) -> str | None:
    """The place asked about ("Canada", from the question or the one it follows up) when the
    shop's pages name neither it nor its region: their answer alone would read as covering it."""
    # "Do you ship abroad?" names no place to say the pages never name: where they ship answers it.
    return said_place(
        {c for c in query.terms if c in COUNTRY_CONCEPTS - {WORLD} and not index.names(c)}, texts
    )


def said_place(places: set[str], texts: list[str]) -> str | None:
    """One of ``places`` ("@canada") as the first of ``texts`` that names it wrote it ("Canada",
    "Kanada", "the United States"); None: none does."""
    unnamed = {c[1:] for c in places}
    for text in texts if unnamed else []:
        found = list(re.finditer(r"\w+", text))
        # Two words first ("United States", "Stati Uniti", "États-Unis"), then one ("Canada").
        spans = [*itertools.pairwise(found), *((w, w) for w in found)]
        for first, last in spans:
            if first is last and first[0] == "us":
                continue  # "Can you tell us ...": the shop's "us"; "the US" and "US" are a place
            a, b = fold(first[0]), fold(last[0])
            named = (
                concepts_of(a)
                if first is last
                else phrase_concepts([a, b]) | (concepts_of(a) & concepts_of(b))
            )
            if unnamed & named:
                return text[first.start() : last.end()]
    return None
