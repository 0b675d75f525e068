"""When: an order's dispatch and its delivery time, asked together ("When will my order ship?",
"Wann kommt meine Bestellung an?")."""

from __future__ import annotations

import re

from common.knowledge.answering.followups import PLACES
from common.knowledge.reading.analysis import terms
from common.knowledge.reading.countries import NAMED_PLACES
from common.knowledge.reading.language import Language, fold
from common.knowledge.reading.vocabulary import WHEN
from common.knowledge.search.passages import ScoredPassage

# When an order ships or arrives, anywhere, by express or not, ordered by a time of day or not.
_WHEN_IT_COMES = frozenset({"@ship", "@duration", "@cutoff", "@express"}) | PLACES
# A delivery time names shipping, a time and places, nothing else ("Standard delivery takes
# 2-4 working days within Germany ..."; not "If a parcel has not arrived 10 working days ...").
_DELIVERY_TIME = _WHEN_IT_COMES - {"@cutoff"}


# The order has left, told in a clause of its own ("My order shipped yesterday, when ...?"), accent-free.
_LEFT = re.compile(
    r"\b(shipped|sent|dispatched|posted|mailed|on (its|the) way|verschickt|versandt|versendet"
    r"|abgeschickt|unterwegs|expediee?s?|envoyee?s?|en route|enviad[oa]s?|se envio|enviaron|despachad[oa]"
    r"|en camino|spedit[oaie]|inviat[oaie]|in viaggio|verzonden|verstuurd|onderweg)\b"
)


def told_it_left(question: str) -> bool:
    """Whether the shopper tells that the order has left the warehouse, in a clause that asks
    nothing ("It shipped yesterday, when will it arrive?"; not "When will it be shipped?")."""
    told = re.split(r"[?\u00bf]", fold(question))[0]
    clauses = re.split(r"[,.;:!]", told)
    return any(_LEFT.search(c) and not WHEN.intersection(c.split()) for c in clauses[:-1] if c.strip())


def leaves_and_arrives(
    ranked: list[ScoredPassage], asked: set[str], language: Language, *, min_coverage: float, left: bool
) -> list[ScoredPassage] | None:
    """For a question that asks when (the caller checks the word) an order ships or arrives, and
    nothing else (``asked``: its concepts), the best passage on when orders leave and the best
    delivery time (by express only if asked), in that order; the time alone for an order that has
    ``left``. A place asked keeps what the pages say of it as fully ("Deliveries to the UK ... may
    be delayed by customs"). None: another question, or the pages do not give both."""
    if not {"@ship", "@duration"} <= asked or not asked <= _WHEN_IT_COMES:
        return None
    fitting = [r for r in ranked if r.coverage >= min_coverage]
    held = {
        r.passage: frozenset(t for t in terms(r.passage.text, (language,)) if t.startswith("@"))
        for r in fitting
    }
    leaves = next((r for r in fitting if "@cutoff" in held[r.passage]), None)
    express = "@express" in asked
    takes = next(
        (
            r
            for r in fitting
            if {"@ship", "@duration"} <= held[r.passage] <= _DELIVERY_TIME
            and ("@express" in held[r.passage]) == express
        ),
        None,
    )
    if takes is None or (leaves is None and not left):
        return None
    both = [takes] if left or leaves is None else [leaves, takes]
    places = asked & NAMED_PLACES
    there = next(
        (
            r
            for r in fitting
            if r not in both and places and places <= held[r.passage] and r.coverage >= takes.coverage
        ),
        None,
    )
    return [*both, there] if there is not None else both
