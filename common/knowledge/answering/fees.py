"""A fee the pages never state: customs duties are one ("Do I have to pay customs?"), and the
customs delay the pages do mention is no answer to it. So is a price or a delivery time to a place
the pages give none for ("How much is shipping to Canada?", "How long to Canada?" where they ship
worldwide and price the USA)."""

from __future__ import annotations

from common.knowledge.answering.followups import ORDER_TOPICS
from common.knowledge.answering.location import said_place
from common.knowledge.reading.analysis import terms
from common.knowledge.reading.countries import COUNTRY_CONCEPTS, NAMED_PLACES, places_apart, with_regions
from common.knowledge.search.passages import Passage
from common.knowledge.search.retrieval import KnowledgeIndex, Query

# Things a shopper may be charged for besides the shop's prices, which a shop may not write about.
_FEES = frozenset({"@customs"})
# "How much", "free", and paying ("Do I have to pay customs?", "Muss ich Zoll zahlen?").
_STATES_A_FEE = frozenset({"@cost", "@free"})
_ASKS_A_FEE = _STATES_A_FEE | {"@pay"}
# What a question may ask of a place that the pages give other places: a price, a delivery time.
PRICE, TIME = _STATES_A_FEE, frozenset({"@duration"})
# Topics other than shipping a price or a time may be of ("cancelled free of charge", "has not
# arrived 10 working days after shipping", "leave the same day", "we will get back to you on the
# next working day"), and a service priced and timed apart ("Express delivery takes 2-3 working
# days elsewhere"): none answers for shipping there.
_OTHER_TOPICS = (
    ORDER_TOPICS | {"@missing", "@late", "@cutoff", "@hours", "@contact", "@phone", "@email"}
) - {"@ship"}
_SERVICES = frozenset({"@express"})


def unstated_fee(index: KnowledgeIndex, query: Query, chosen: list[Passage]) -> list[Passage] | None:
    """For a question about such a fee ("Do you charge import duties?") that none of the
    ``chosen`` passages states, what the pages say of the thing (its best passage, or none);
    None when the question asks no such fee or a passage states it."""
    asked = {t for t in query.terms if t.startswith("@")}
    fees = asked & _FEES
    if not fees or not asked & _ASKS_A_FEE:
        return None
    held = [set(terms(p.text, [index.language])) for p in chosen]
    if any(fees & h and _STATES_A_FEE & h for h in held):
        return None
    about = [
        s.passage for s in index.rank_passages(query) if fees & set(terms(s.passage.text, [index.language]))
    ]
    return about[:1]


def unstated_for_place(
    index: KnowledgeIndex, query: Query, chosen: list[Passage], texts: list[str]
) -> tuple[str, frozenset[str]] | None:
    """(the place, as ``texts``, the question and those before it, wrote it; ``PRICE`` or ``TIME``)
    when the question asks that of a place and none of the ``chosen`` passages, nor of those that
    match the question, gives it for the place, its region or everywhere, of what is asked (not of
    cancelling, a missing parcel or express unasked): the pages give it to other places ("within the
    EU", "to the USA"), and where the shop ships would read as the answer. None: they give it."""
    asked = {t for t in query.terms if t.startswith("@")}
    places = asked & NAMED_PLACES
    if not places:
        return None
    covering = with_regions(places)
    passages = [*chosen, *(s.passage for s in index.rank_passages(query))]
    said = [(frozenset(terms(p.text, [index.language])), p.text) for p in passages]
    missing = [
        k for k in (PRICE, TIME) if asked & k and not any(_gives(k, *s, asked, covering) for s in said)
    ]
    where = said_place(places, texts) if missing else None
    return (where, missing[0]) if where else None


def _gives(
    kind: frozenset[str], held: frozenset[str], text: str, asked: set[str], covering: set[str]
) -> bool:
    """Whether a passage (``held``: its terms) gives a price or time (``kind``) of what is
    ``asked`` for one of the ``covering`` places, or for every place."""
    apart = places_apart(held, text)
    about_another = held & _OTHER_TOPICS - asked or held & _SERVICES - asked  # "cancelled free of charge"
    return bool(kind & held) and not about_another and (not apart or bool(apart & covering))


def without(
    index: KnowledgeIndex, query: Query, chosen: list[Passage], kind: frozenset[str]
) -> list[Passage]:
    """What the pages say of shipping to a place they give no price (no time, ``kind``) for: the
    ``chosen`` passages that give none, else the best that answer the question without it."""
    asked = {t for t in query.terms if t.startswith("@")} & NAMED_PLACES
    places = with_regions(asked)

    def fits(passage: Passage) -> bool:  # no price (time), nor of other places only (a customs delay)
        held = frozenset(terms(passage.text, [index.language]))
        apart = places_apart(held, passage.text)
        return not kind & held and (not apart or bool(apart & places))

    kept = [p for p in chosen if fits(p)]
    if kept:
        return kept
    unasked = Query(query.language, [t for t in query.terms if t not in kind])
    return [p for p in (s.passage for s in index.rank_passages(unasked)) if fits(p)][:1]


def free_elsewhere(
    index: KnowledgeIndex, query: Query, passages: list[Passage], min_coverage: float
) -> list[Passage]:
    """``passages``, and where the pages make it free, when the question asks whether it is free
    for a place they give no such word of ("Is it free above a certain amount?" of Austria): "free
    from €30 within the Netherlands" then reads as that place's alone, not as unsaid."""
    if "@free" not in query.terms or not NAMED_PLACES.intersection(query.terms):
        return passages
    if any("@free" in terms(p.text, (index.language,)) for p in passages):
        return passages
    unplaced = Query(query.language, [t for t in query.terms if t not in COUNTRY_CONCEPTS])
    ranked = (s.passage for s in index.rank_passages(unplaced) if s.coverage >= min_coverage)
    free = next((p for p in ranked if "@free" in terms(p.text, (index.language,))), None)
    return [*passages, free] if free and free not in passages else passages
