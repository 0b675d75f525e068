"""A change of an order's items ("Can I add an item to my order?", "Artikel hinzufügen") is no
change of its delivery address: an FAQ about changing the address ("Yes, ... and the new address")
does not answer it, one about changing the order does."""

from __future__ import annotations

from common.knowledge.reading.analysis import terms
from common.knowledge.search.passages import ScoredPassage
from common.knowledge.search.retrieval import Query


def not_of_the_address(ranked: list[ScoredPassage], query: Query, question: str) -> list[ScoredPassage]:
    """``ranked`` without the FAQs about changing the address, when ``question`` (read as ``query``)
    adds an item to an order or removes one, and asks nothing of an address."""
    asked = set(terms(question, (query.language,)))
    if "@items" not in asked or "@address" in asked:
        return ranked
    return [
        r
        for r in ranked
        if r.passage.entry.kind != "faq" or "@address" not in terms(r.passage.entry.title, (query.language,))
    ]
