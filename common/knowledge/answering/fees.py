"""A fee the pages never state: customs duties are one ("Do I have to pay customs?"), and the
customs delay the pages do mention is no answer to it."""

from __future__ import annotations

from common.knowledge.reading.analysis import terms
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
