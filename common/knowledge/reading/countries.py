"""Places: the countries and regions shoppers ask about and shops write about, in every language
we speak (accent-free patterns as in ``vocabulary``)."""

from __future__ import annotations

import re
from collections.abc import Mapping

# Any of them is a ``@country``, each its own concept: a shop names its home country apart
# ("Within the Netherlands shipping is 3.95 EUR"), whichever it is. Where a shop says something
# of a region (``REGION_OF``), it says it of every country in it.
_EU_MEMBERS: dict[str, str] = {
    "germany": "germany deutschland allemagne alemania germania duitsland",
    "netherlands": "netherlands holland niederlande pays-bas nederland paesi-bassi paises-bajos",
    "belgium": "belgium belgien belgique belgica belgio belgie",
    "austria": "austria osterreich autriche oostenrijk",
    "france": "france frankreich francia frankrijk",
    "italy": "italy italien italie italia",
    "spain": "spain spanien espagne espana spagna spanje",
    "portugal": "portugal portogallo",
    "poland": "poland polen pologne polonia",
    "ireland": "ireland irland irlande irlanda ierland",
    "denmark": "denmark danemark dinamarca danimarca denemarken",
    "sweden": "sweden schweden suede suecia svezia zweden",
    "finland": "finland finnland",
    "greece": "greece griechenland grece grecia griekenland",
    "luxembourg": "luxembourg luxemburg",
    "czechia": "czech czechia tschechien",
}
# In Europe, outside the EU.
_EUROPE_OUTSIDE_EU: dict[str, str] = {
    "uk": "uk britain british england scotland wales grossbritannien angleterre inglaterra "
    "inghilterra engeland united-kingdom",
    "switzerland": "switzerland swiss schweiz suisse suiza svizzera zwitserland",
    "norway": "norway norwegen norvege noruega norvegia noorwegen",
}
# Far countries, each its own: a shop that names Canada says nothing of Japan.
_FAR: dict[str, str] = {
    "usa": "usa us america amerika amerique etats-unis estados unidos stati uniti verenigde staten "
    "united-states the-us",
    "canada": "canada kanada",
    "mexico": "mexico mexiko mexique messico",
    "japan": "japan japon giappone",
    "china": "china chine cina",
    "australia": "australia australien australie",
    "brazil": "brazil brasil brasilien bresil brasile",
}
COUNTRIES: dict[str, str] = {
    **_EU_MEMBERS,
    **_EUROPE_OUTSIDE_EU,
    **_FAR,
    # The EU ("the European Union", ``meanings``) and Europe, which is more than the EU: a shop
    # that ships "within Europe" ships to Norway, one that ships "within the EU" does not.
    "eu": "eu",
    "europe": "europe* europa* european* europaisch* europeen* europees europese",
    # Everywhere else: "the rest of the world" (``meanings``), "internationally", "abroad",
    # "all other countries": what the shop says of it holds for a country it says nothing else
    # of ("Canada" beside "the rest of the world").
    "world": "worldwide world-wide internationa* internacional* internazional* weltweit* wereldwijd* "
    "abroad overseas ausland* etranger extranjero estero buitenland monde-entier todo-mundo "
    "other-countries other-country andere-lander andere-landern autres-pays otros-paises "
    "altri-paesi andere-landen rest-welt restliche-welt ubrige-welt reste-monde resto-mundo resto-mondo",
    # "Outside the EU", "hors de l'UE", "non-EU" (``meanings``): every country but the EU's.
    "noneu": "noneu",
    # "Outside Europe", "außerhalb Europas" (``meanings``): the far countries.
    "noneurope": "noneurope",
}
COUNTRY_CONCEPTS = frozenset(f"@{c}" for c in COUNTRIES)
# Any country, as a place of the shop's text: "7-14 working days to the rest of the world".
WORLD = "@world"
# The countries outside the EU, as a place of the shop's text: "Returns from outside the EU
# cost 6.95 EUR" is Norway's price, not Austria's.
OUTSIDE_EU = "@noneu"
EU, EUROPE, OUTSIDE_EUROPE = "@eu", "@europe", "@noneurope"
# A passage about a region covers a question about a country in it: the shop's shipping to
# "the EU" is its shipping to Austria, to "Europe" its shipping to Norway and Austria, and
# "Sorry, we can't ship outside Europe" answers of Japan.
REGION_OF: dict[str, frozenset[str]] = (
    {f"@{c}": frozenset({EU, EUROPE}) for c in _EU_MEMBERS}
    | {f"@{c}": frozenset({OUTSIDE_EU, EUROPE}) for c in _EUROPE_OUTSIDE_EU}
    | {f"@{c}": frozenset({OUTSIDE_EU, OUTSIDE_EUROPE}) for c in _FAR}
    | {EU: frozenset({EUROPE})}
)


def with_regions(places: set[str] | frozenset[str]) -> set[str]:
    """``places`` with the regions they lie in: Austria's are the EU and Europe."""
    return set(places).union(*(REGION_OF.get(c, frozenset()) for c in places))


def in_regions(held: set[str] | frozenset[str]) -> set[str]:
    """The places a text about the regions in ``held`` speaks of too: the EU's countries."""
    return {c for c, regions in REGION_OF.items() if regions & held}


def place_weight(concept: str, idf: Mapping[str, float], unknown: float) -> float:
    """How much ``concept`` weighs in a question (its ``idf``): a country the pages name only by
    its region weighs as the region ("Austria" as "the EU"); ``unknown`` when they name neither."""
    regions = (idf[r] for r in REGION_OF.get(concept, ()) if r in idf)
    return idf.get(concept) or min(regions, default=unknown)


# A price: what a text gives the places it names, and no other (their delivery times still
# tell a shopper of another place how long parcels take where the shop ships).
_STATED = frozenset({"@cost"})
# Places by name, not "the rest of the world".
NAMED_PLACES = COUNTRY_CONCEPTS - {WORLD}
# "1-2 working days within Germany and 2-3 working days elsewhere": a text that names a place
# and says what holds for the others, accent-free ("elsewhere in the EU" holds for the EU only).
_ELSEWHERE = re.compile(
    r"\b(elsewhere|everywhere else|anywhere else|anderswo|sonstwo|ailleurs|partout ailleurs"
    r"|en otros lugares|en otra parte|altrove|elders)\b(?!,? (?:in|within|innerhalb|dans|en|nel|nella)\b)",
    re.IGNORECASE,
)


def places_apart(held: frozenset[str], text: str) -> frozenset[str]:
    """The places a text speaks of by name ("Shipping to Canada costs 19.95 EUR"), and so of no
    other: none when it names no place, or speaks of the rest of the world or of elsewhere too."""
    if WORLD in held or _ELSEWHERE.search(text):
        return frozenset()
    return held & NAMED_PLACES


def about_other_places(
    apart: frozenset[str], asked: set[str], held: frozenset[str], *, asked_is_named: bool
) -> bool:
    """Whether a text about the places ``apart`` (its ``places_apart``; ``held``: its terms)
    answers for other places than the ``asked`` ones (with the regions they lie in): "Shipping
    to Canada costs 19.95 EUR" is no price to Austria, nor to Japan. Of a place the shop never
    names, where it ships ("We ship to the EU, the UK and Norway") still answers; one place of
    its own does not, nor a price it gives its places ("To Belgium and Germany we
    charge €6.95")."""
    if not asked or not apart or apart & asked:
        return False
    return asked_is_named or len(apart) == 1 or bool(held & _STATED)
