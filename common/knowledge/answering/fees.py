"""A fee the pages never state: customs duties are one ("Do I have to pay customs?"), and the
customs delay the pages do mention is no answer to it. So is a price to a place the pages give
none for ("How much is shipping to Canada?" where they ship worldwide and price the USA)."""

from __future__ import annotations

from common.knowledge.answering.followups import ORDER_TOPICS
from common.knowledge.answering.location import said_place
from common.knowledge.reading.analysis import terms
from common.knowledge.reading.countries import NAMED_PLACES, REGION_OF, places_apart
from common.knowledge.search.passages import Passage
from common.knowledge.search.retrieval import KnowledgeIndex, Query

# Things a shopper may be charged for besides the shop's prices, which a shop may not write about.
_FEES = frozenset({"@customs"})
# "How much", "free", and paying ("Do I have to pay customs?", "Muss ich Zoll zahlen?").
_STATES_A_FEE = frozenset({"@cost", "@free"})
_ASKS_A_FEE = _STATES_A_FEE | {"@pay"}


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


def unpriced_place(
    index: KnowledgeIndex, query: Query, chosen: list[Passage], texts: list[str]
) -> str | None:
    """The place asked a price for ("Canada", as ``texts``, the question and those before it, wrote
    it) when none of the ``chosen`` passages, nor of those that match the question, gives a price
    or says what is free for it or for everywhere, of what is asked (not of cancelling): the pages
    price other places ("within the EU", "to the USA"), and where the shop ships would read as
    the answer. None: they give one."""
    asked = {t for t in query.terms if t.startswith("@")}
    places = asked & NAMED_PLACES
    if not places or not asked & _STATES_A_FEE:
        return None
    covering = places | {REGION_OF[c] for c in places if c in REGION_OF}
    for passage in [*chosen, *(s.passage for s in index.rank_passages(query))]:
        held = frozenset(terms(passage.text, [index.language]))
        apart = places_apart(held, passage.text)
        about_it = not held & ORDER_TOPICS - asked - {"@ship"}  # not "cancelled free of charge"
        if _STATES_A_FEE & held and about_it and (not apart or apart & covering):
            return None
    return said_place(places, texts)


def without_prices(index: KnowledgeIndex, query: Query, chosen: list[Passage]) -> list[Passage]:
    """What the pages say of shipping to a place they give no price for: the ``chosen`` passages
    that give no price, else the best that answer the question without its price."""
    kept = [p for p in chosen if not _STATES_A_FEE & set(terms(p.text, [index.language]))]
    if kept:
        return kept
    unpriced = Query(query.language, [t for t in query.terms if t not in _STATES_A_FEE])
    ranked = (s.passage for s in index.rank_passages(unpriced))
    return [p for p in ranked if not _STATES_A_FEE & set(terms(p.text, [index.language]))][:1]
