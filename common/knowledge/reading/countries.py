"""Places: the countries and regions shoppers ask about and shops write about, in every language
we speak (accent-free patterns as in ``vocabulary``)."""

from __future__ import annotations

import re

# Any of them is a ``@country``; the shop's own regions have their own concept too.
COUNTRIES: dict[str, str] = {
    "eu": "eu europe* europa* european* europaisch* europeen* italy italien italie italia "
    "france frankreich francia frankrijk spain spanien espagne espana spagna spanje "
    "austria osterreich autriche oostenrijk belgium belgien belgique belgica belgio belgie "
    "netherlands holland niederlande pays-bas nederland paesi portugal portogallo poland polen "
    "pologne polonia ireland irland irlande irlanda ierland denmark danemark dinamarca "
    "danimarca denemarken sweden schweden suede suecia svezia zweden finland finnland "
    "greece griechenland grece grecia griekenland luxembourg luxemburg czech tschechien",
    "germany": "germany deutschland allemagne alemania germania duitsland",
    "uk": "uk britain british england scotland wales grossbritannien angleterre inglaterra "
    "inghilterra engeland united-kingdom",
    "switzerland": "switzerland swiss schweiz suisse suiza svizzera zwitserland",
    "norway": "norway norwegen norvege noruega norvegia noorwegen",
    # Far countries, each its own: a shop that names Canada says nothing of Japan.
    "usa": "usa us america amerika amerique etats-unis estados unidos stati uniti verenigde staten "
    "united-states the-us",
    "canada": "canada kanada",
    "mexico": "mexico mexiko mexique messico",
    "japan": "japan japon giappone",
    "china": "china chine cina",
    "australia": "australia australien australie",
    "brazil": "brazil brasil brasilien bresil brasile",
    # Everywhere else: "the rest of the world" (``meanings``), "internationally", "abroad",
    # "all other countries": what the shop says of it holds for a country it says nothing else
    # of ("Canada" beside "the rest of the world").
    "world": "worldwide world-wide internationa* internacional* internazional* weltweit* wereldwijd* "
    "abroad overseas ausland* etranger extranjero estero buitenland monde-entier todo-mundo "
    "other-countries other-country andere-lander andere-landern autres-pays otros-paises "
    "altri-paesi andere-landen rest-welt restliche-welt ubrige-welt reste-monde resto-mundo resto-mondo",
    # "Outside the EU", "hors de l'UE", "non-EU" (``meanings``): every country but the EU's.
    "noneu": "noneu",
}
COUNTRY_CONCEPTS = frozenset(f"@{c}" for c in COUNTRIES)
# Any country, as a place of the shop's text: "7-14 working days to the rest of the world".
WORLD = "@world"
# The countries outside the EU, as a place of the shop's text: "Returns from outside the EU
# cost 6.95 EUR" is Norway's price, not Austria's.
OUTSIDE_EU = "@noneu"
# A passage about a region covers a question about a country in it: the shop's shipping to
# "the EU" is its shipping to Germany, which has a concept of its own (the shop's home).
REGION_OF = {"@germany": "@eu"} | {
    c: OUTSIDE_EU for c in COUNTRY_CONCEPTS - {"@eu", "@germany", WORLD, OUTSIDE_EU}
}
# Places by name, not "the rest of the world".
NAMED_PLACES = COUNTRY_CONCEPTS - {WORLD}
# "1-2 working days within Germany and 2-3 working days elsewhere": a text that names a place
# and says what holds for the others, accent-free.
_ELSEWHERE = re.compile(
    r"\b(elsewhere|everywhere else|anywhere else|anderswo|sonstwo|ailleurs|partout ailleurs"
    r"|en otros lugares|en otra parte|altrove|elders)\b",
    re.IGNORECASE,
)


def places_apart(held: frozenset[str], text: str) -> frozenset[str]:
    """The places a text speaks of by name ("Shipping to Canada costs 19.95 EUR"), and so of no
    other: none when it names no place, or speaks of the rest of the world or of elsewhere too."""
    if WORLD in held or _ELSEWHERE.search(text):
        return frozenset()
    return held & NAMED_PLACES


def about_other_places(apart: frozenset[str], asked: set[str], *, asked_is_named: bool) -> bool:
    """Whether a text about the places ``apart`` (its ``places_apart``) answers for other places
    than the ``asked`` ones (with the regions they lie in): "Shipping to Canada costs 19.95
    EUR" is no price to Austria, nor to Japan. Of a place the shop never names, where it ships
    ("We ship to the EU, the UK and Norway") still answers; one place of its own does not."""
    if not asked or not apart or apart & asked:
        return False
    return asked_is_named or len(apart) == 1
