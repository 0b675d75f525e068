"""Places: the countries and regions shoppers ask about and shops write about, in every language
we speak (accent-free patterns as in ``vocabulary``)."""

from __future__ import annotations

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
    "abroad": "usa us america canada australia japan china brazil mexico amerika kanada giappone japon "
    "etats-unis estados unidos stati uniti verenigde staten united-states the-us",
    # Everywhere else: "the rest of the world" (``analysis``), "internationally", "abroad",
    # "all other countries", "outside the EU": what the shop says of it holds for a country it
    # says nothing else of ("Canada" beside "the rest of the world").
    "world": "worldwide world-wide internationa* internacional* internazional* weltweit* wereldwijd* "
    "abroad overseas ausland* etranger extranjero estero buitenland monde-entier todo-mundo "
    "other-countries other-country andere-lander andere-landern autres-pays otros-paises "
    "altri-paesi andere-landen outside-eu outside-europe non-eu ausserhalb-eu ausserhalb-europa "
    "ausserhalb-europas hors-ue hors-europe fuera-ue fuera-europa rest-welt restliche-welt "
    "ubrige-welt reste-monde resto-mundo resto-mondo",
}
COUNTRY_CONCEPTS = frozenset(f"@{c}" for c in COUNTRIES)
# Any country, as a place of the shop's text: "7-14 working days to the rest of the world".
WORLD = "@world"
