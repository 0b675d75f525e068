"""The shop's contact details, asked for ("What's your phone number?", "Can I call you?"): with
when the team is there, where the sentence that gives them says not."""

from __future__ import annotations

from common.knowledge.answering.followups import concepts_in
from common.knowledge.reading.analysis import terms
from common.knowledge.search.passages import Passage
from common.knowledge.search.retrieval import KnowledgeIndex, Query

# Ways to reach the shop, as a question asks for them.
_WAYS = frozenset({"@phone", "@email", "@contact"})


def with_hours(index: KnowledgeIndex, query: Query, passages: list[Passage]) -> list[Passage]:
    """``passages``, and for a question that asks only how to reach the shop, the hours its
    contact entry gives (its first sentence that names hours), where none of them names any:
    "Mail us at ... or ring +31 20 123 4567" is of little use without "Monday to Friday from
    10:00 to 17:00"."""
    if not concepts_in(query) or not concepts_in(query) <= _WAYS:
        return passages
    held = {p: frozenset(terms(p.text, (index.language,))) for p in passages}
    if any("@hours" in h for h in held.values()):
        return passages
    keys = {p.entry.key for p, h in held.items() if h & {"@phone", "@email"}}
    hours = [
        p for p in index.passages if p.entry.key in keys and "@hours" in terms(p.text, (index.language,))
    ]
    if not hours:
        return passages
    entries = list(dict.fromkeys(p.entry.key for p in [*passages, hours[0]]))
    return sorted([*passages, hours[0]], key=lambda p: (entries.index(p.entry.key), p.position))
