"""Entries cut into passages (a sentence, or a short FAQ answer whole), and the choice of the
one to three passages that answer a question."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from common.knowledge.entries import KnowledgeEntry

# A sentence ends at . ! or ? followed by a capital, a digit or a quote (not "e.g. this").
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'“(¿¡]?[A-ZÀ-ÖØ-Þ0-9])")
# An FAQ entry is the shop's answer to one question: up to this long (about a phone screen),
# it is quoted whole, its steps and links with it, not cut down to its best sentences.
_WHOLE_ANSWER_CHARS = 800
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
    # The paragraph, list or table it is part of: passages of one block read as one paragraph.
    block: int = 0


@dataclass(frozen=True)
class ScoredPassage:
    passage: Passage
    score: float
    # Share of the question's information (idf-weighted terms) the passage contains.
    coverage: float


def split_passages(entry: KnowledgeEntry) -> list[Passage]:
    """An entry's passages, in order: the sentences of its paragraphs, and each list or table
    whole (a row or an item alone loses what it belongs to), with the shop's line breaks."""
    if entry.kind == "faq" and len(" ".join(entry.content.split())) <= _WHOLE_ANSWER_CHARS:
        return [Passage(entry, 0, tidy(entry.content))]
    passages: list[Passage] = []
    for block, (is_list, lines) in enumerate(_blocks(entry.content)):
        units = ["\n".join(lines)] if is_list else sentences(" ".join(lines))
        passages += [Passage(entry, len(passages) + n, unit, block) for n, unit in enumerate(units)]
    return passages


def joined(passages: list[Passage]) -> str:
    """Passages as one text: a paragraph's sentences on one line, blocks apart."""
    text = ""
    for before, passage in zip([None, *passages], passages, strict=False):
        if before is not None:
            same_block = (before.entry.key, before.block) == (passage.entry.key, passage.block)
            text += " " if same_block else "\n\n"
        text += passage.text
    return text


def tidy(text: str) -> str:
    """``text`` with its lines, and no runs of spaces or blank lines."""
    return "\n\n".join("\n".join(lines) for _, lines in _blocks(text))


# A line of a list ("- ", "* ", "1. ") or of a table ("| ").
_LIST_LINE = re.compile(r"(?:[-*+•]|\d{1,3}[.)]|\|)\s")


def _blocks(text: str) -> list[tuple[bool, list[str]]]:
    """(is a list or table, its lines) for each paragraph, list and table of ``text``."""
    blocks: list[tuple[bool, list[str]]] = []
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if not line:
            blocks.append((False, []))  # a blank line ends the block
            continue
        is_list = bool(_LIST_LINE.match(line + " ")) or line.startswith("|")
        if not is_list and raw[:1].isspace() and blocks and blocks[-1][0] and blocks[-1][1]:
            is_list, line = True, f"  {line}"  # an indented line goes on with the item above it
        lead = next((b for b in reversed(blocks[-2:]) if b[1]), None)  # across one blank line
        if blocks and blocks[-1][1] and blocks[-1][0] == is_list:
            blocks[-1][1].append(line)
        elif is_list and lead is not None and not lead[0] and lead[1][-1].endswith(":"):
            blocks.append((True, [_last_sentence(lead[1]), line]))  # "Prices:" leads into its table
        else:
            blocks.append((is_list, [line]))
    return [b for b in blocks if b[1]]


def sentences(text: str) -> list[str]:
    """``text``'s sentences: one ends at . ! or ? before a capital, a digit or a quote."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def _last_sentence(lines: list[str]) -> str:
    """Takes the last sentence of a paragraph's lines ("Prices are:" of "We ship worldwide.
    Prices are:"), leaving the rest."""
    *rest, last = _SENTENCE_END.split(lines.pop())
    if rest:
        lines.append(" ".join(rest))
    return last


def choose(
    ranked: list[ScoredPassage], *, min_coverage: float, other_entry_share: float = _OTHER_ENTRY_SHARE
) -> list[ScoredPassage]:
    """The best passage that covers ``min_coverage`` of the question (a higher-scoring one that
    covers less, "We refund ..." for a parcel that never came and money back, answers part of
    it) and up to two more that score nearly as well (``other_entry_share`` of its score, from
    another entry), within the length for a phone; in reading order (by entry, then position).
    Empty when nothing answers well enough."""
    ranked = [r for r in ranked if r.coverage >= min_coverage]
    if not ranked:
        return []
    best = ranked[0]
    chosen = [best]
    length = len(best.passage.text)
    for candidate in ranked[1:]:
        if len(chosen) == MAX_PASSAGES:
            break
        same_entry = any(c.passage.entry.key == candidate.passage.entry.key for c in chosen)
        share = _SAME_ENTRY_SHARE if same_entry else other_entry_share
        if candidate.score < best.score * share or candidate.coverage < min_coverage:
            continue
        if length + len(candidate.passage.text) > MAX_ANSWER_CHARS:
            continue
        chosen.append(candidate)
        length += len(candidate.passage.text)
    order = {key: n for n, key in enumerate(dict.fromkeys(c.passage.entry.key for c in chosen))}
    return sorted(chosen, key=lambda c: (order[c.passage.entry.key], c.passage.position))


def scaled(scored: ScoredPassage, share: float) -> ScoredPassage:
    return ScoredPassage(scored.passage, scored.score * share, scored.coverage)


def idf(docs: list[list[str]]) -> dict[str, float]:
    counts: dict[str, int] = {}
    for doc in docs:
        for term in set(doc):
            counts[term] = counts.get(term, 0) + 1
    return {t: math.log((len(docs) + 1) / (c + 0.5)) + 1 for t, c in counts.items()}
