"""Entries cut into passages (a sentence, or a short FAQ answer whole), and the choice of the
one to three passages that answer a question."""

from __future__ import annotations

import re
from dataclasses import dataclass

from common.knowledge.entries import KnowledgeEntry

# A sentence ends at . ! or ? followed by a capital, a digit or a quote (not "e.g. this").
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'“(¿¡]?[A-ZÀ-ÖØ-Þ0-9])")
# An FAQ answer this short reads best whole.
_WHOLE_ANSWER_CHARS = 240
MAX_PASSAGES = 3
# Answer length that still reads well on a phone (the passages, before the sources line).
MAX_ANSWER_CHARS = 420
# A further passage joins the best one only if it scores nearly as well: from the same entry
# (it continues the same topic) a little less is enough than from another entry.
_SAME_ENTRY_SHARE = 0.33
_OTHER_ENTRY_SHARE = 0.9


@dataclass(frozen=True)
class Passage:
    entry: KnowledgeEntry
    position: int  # order within its entry
    text: str


@dataclass(frozen=True)
class ScoredPassage:
    passage: Passage
    score: float
    # Share of the question's information (idf-weighted terms) the passage contains.
    coverage: float


def split_passages(entry: KnowledgeEntry) -> list[Passage]:
    """An entry's passages, in order."""
    content = " ".join(entry.content.split())
    if entry.kind == "faq" and len(content) <= _WHOLE_ANSWER_CHARS:
        return [Passage(entry, 0, content)]
    sentences = [s.strip() for s in _SENTENCE_END.split(content) if s.strip()]
    return [Passage(entry, n, s) for n, s in enumerate(sentences)]


def choose(ranked: list[ScoredPassage], *, min_coverage: float) -> list[ScoredPassage]:
    """The best passage and up to two more that score nearly as well, within the length for a
    phone; in reading order (by entry, then position). Empty when nothing answers well enough."""
    if not ranked or ranked[0].coverage < min_coverage:
        return []
    best = ranked[0]
    chosen = [best]
    length = len(best.passage.text)
    for candidate in ranked[1:]:
        if len(chosen) == MAX_PASSAGES:
            break
        same_entry = any(c.passage.entry.key == candidate.passage.entry.key for c in chosen)
        share = _SAME_ENTRY_SHARE if same_entry else _OTHER_ENTRY_SHARE
        if candidate.score < best.score * share or candidate.coverage < min_coverage:
            continue
        if length + len(candidate.passage.text) > MAX_ANSWER_CHARS:
            continue
        chosen.append(candidate)
        length += len(candidate.passage.text)
    order = {key: n for n, key in enumerate(dict.fromkeys(c.passage.entry.key for c in chosen))}
    return sorted(chosen, key=lambda c: (order[c.passage.entry.key], c.passage.position))
