"""Asking back: a price asked of nothing named ("How much does it cost?"), where the pages give
the prices of several things and one of them is an FAQ's own (gift wrapping, beside shipping),
is a question of which thing."""

from __future__ import annotations

from common.knowledge.reading.language import fold, is_stopword, words
from common.knowledge.reading.vocabulary import concepts_of
from common.knowledge.search.retrieval import KnowledgeIndex, Query

_PRICE = frozenset({"cost"})
_MOST_OPTIONS = 3


def priced_things(index: KnowledgeIndex, query: Query, question: str, min_coverage: float) -> list[str]:
    """The titles of the entries whose prices could answer ``question`` (``query``, as read with
    the questions before it), best first, when it asks a price and names nothing, and they are
    an FAQ and another entry: the shopper is asked which. Empty: answer it."""
    if {t for t in query.terms if t.startswith("@")} != {"@cost"}:
        return []  # a thing named, or one the question before named ("Do you ship to the USA?")
    if set(query.terms) - set(index.query(question, language=query.language).terms):
        return []  # words of the question before ("Do you gift wrap?", "how much?")
    said = [fold(w) for w in words(question)]
    if not all(concepts_of(w) == _PRICE for w in said if not is_stopword(w, query.language)):
        return []
    ranked = [s for s in index.rank_passages(query) if s.coverage >= min_coverage]
    entries = list(dict.fromkeys(s.passage.entry for s in ranked))
    if len(entries) < 2 or not any(e.kind == "faq" for e in entries):
        return []  # the shop's one price list ("How much is it?": shipping)
    return [e.title for e in entries[:_MOST_OPTIONS]]
