"""Questions the assistant could not answer, grouped by similar wording.

A question counts when its answer said the shop's knowledge does not cover it (the knowledge
answerer found nothing, or the model said so) or when the shopper rated the answer down.
A group the knowledge answers now, with an entry changed after the question was last asked
(the FAQ staff wrote for it), says so (``answered_by``) and comes after the open ones.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from common.console.responses import UnansweredGroup, UnansweredList
from common.knowledge.answering.answerer import covering_entries
from common.knowledge.answering.followups import follows_up
from common.knowledge.entries import Knowledge, KnowledgeEntry
from common.knowledge.reading.analysis import terms
from common.knowledge.reading.language import detect_language
from common.knowledge.search.retrieval import knowledge_index
from common.responses import SourceRef, TimeWindow
from common.unit_of_work import UnitOfWorkFactory

# Two wordings belong together when they share at least this share of their stemmed words.
SIMILARITY = 0.5
# The newest candidates looked at; older ones are already represented by their groups.
CANDIDATES = 1000


@dataclass
class _Group:
    words: frozenset[str]
    texts: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    asked: set[object] = field(default_factory=set)  # the questions (messages) counted
    # For a question of a few words ("How much?"): the shopper's questions it followed up.
    befores: dict[str, Counter[str]] = field(default_factory=dict)
    last_seen: dt.datetime | None = None
    # Entries changed since the question was last asked that answer it now.
    answered_by: tuple[KnowledgeEntry, ...] = ()

    @property
    def question(self) -> str:
        """The most frequent wording; of equally frequent ones, a question that stands alone."""
        return max(self.texts, key=lambda text: (self.texts[text], text not in self.befores))

    @property
    def after(self) -> str | None:
        """The question ``question`` followed up, if it did ("And to Canada?" before "How much?")."""
        befores = self.befores.get(self.question)
        return befores.most_common(1)[0][0] if befores else None

    def add(self, row: _Row, reason: str, seen_at: dt.datetime, asked: object) -> None:
        """One reason for question ``asked``; a question not covered and rated down counts once,
        under both reasons."""
        if asked not in self.asked:
            self.asked.add(asked)
            self.texts[row.text] += 1
            if row.before:
                self.befores.setdefault(row.text, Counter())[row.before] += 1
        self.reasons[reason] += 1
        if self.last_seen is None or seen_at > self.last_seen:
            self.last_seen = seen_at


def unanswered_questions(
    *,
    uow: UnitOfWorkFactory,
    knowledge: Knowledge,
    since: dt.datetime,
    until: dt.datetime,
    limit: int,
) -> UnansweredList:
    """The ``limit`` largest groups since ``since``, the most frequent first; of those, the ones
    ``knowledge`` answers now (``answered_by``) last."""
    with uow() as tx:
        rows = tx.console.unanswered(since=since, limit=CANDIDATES)
    groups = group_questions([(r.question, r.before, r.reason, r.seen_at, r.question_id) for r in rows])
    groups.sort(key=lambda g: (sum(g.texts.values()), g.last_seen), reverse=True)
    shown = groups[:limit]
    _mark_answered(shown, knowledge, uow)
    shown.sort(key=lambda g: bool(g.answered_by))  # stable: the most frequent first within each
    return UnansweredList(window=TimeWindow(since=since, until=until), groups=[_view(g) for g in shown])


def _mark_answered(groups: Sequence[_Group], knowledge: Knowledge, uow: UnitOfWorkFactory) -> None:
    """Set ``answered_by`` of the groups whose question the knowledge answers now with an entry
    changed after the question was last asked; an entry that was there already did not help."""
    index = knowledge_index(knowledge)
    covering = {id(g): covering_entries(index, g.question, before=g.after or "") for g in groups}
    keys = {entry.key for entries in covering.values() for entry in entries}
    if not keys:
        return
    with uow() as tx:
        changed = tx.revisions.last_changed(keys)
    for group in groups:
        assert group.last_seen is not None
        seen = group.last_seen
        group.answered_by = tuple(
            e for e in covering[id(group)] if e.key in changed and changed[e.key] > seen
        )


@dataclass(frozen=True)
class _Row:
    text: str
    before: str | None  # the question it followed up, for one of a few words ("How much?")


def group_questions(rows: Sequence[tuple[str, str | None, str, dt.datetime, object]]) -> list[_Group]:
    """Group questions of one language whose stemmed words overlap (Jaccard) by at least
    ``SIMILARITY``; each row is a question's text, the shopper's question before it, a reason,
    when, and the question's id. A question of a few words is read with the one before it:
    "How much?" after "And to Canada?" is not "How much is the blue sofa?"."""
    by_words: dict[tuple[str, frozenset[str]], _Group] = {}
    # The same wording comes back often: stem it once. Wordings group within one language only
    # (Spanish and Italian share stems, English and German do not).
    words_of: dict[_Row, tuple[str, frozenset[str]]] = {}
    short: dict[str, bool] = {}  # whether a wording follows up the question before it
    for text, before, reason, seen_at, asked in rows:
        cleaned = " ".join(text.split())[:300]
        if not any(c.isalnum() for c in cleaned):
            continue  # "🙂", "???": no question the knowledge could answer
        if before and cleaned not in short:
            short[cleaned] = follows_up(cleaned)
        row = _Row(cleaned, " ".join(before.split())[:300] if before and short[cleaned] else None)
        if row not in words_of:
            read = f"{row.before} {cleaned}" if row.before else cleaned
            language = detect_language(read)
            stems = frozenset(terms(read, (language,))) or frozenset([read.lower()])
            words_of[row] = (language, stems)
        key = words_of[row]
        same_language = (group for (lang, _), group in by_words.items() if lang == key[0])
        found = by_words.get(key) or _similar(same_language, key[1])
        if found is None:
            found = by_words[key] = _Group(key[1])
        found.add(row, reason, seen_at, asked)
    return list({id(g): g for g in by_words.values()}.values())


def _similar(groups: Iterable[_Group], words: frozenset[str]) -> _Group | None:
    best: tuple[float, _Group | None] = (0.0, None)
    for group in groups:
        overlap = len(words & group.words) / len(words | group.words)
        if overlap >= SIMILARITY and overlap > best[0]:
            best = (overlap, group)
    return best[1]


def _view(group: _Group) -> UnansweredGroup:
    assert group.last_seen is not None
    return UnansweredGroup(
        question=group.question,
        after=group.after,
        count=sum(group.texts.values()),
        last_seen=group.last_seen,
        examples=[
            group.question,
            *[text for text, _ in group.texts.most_common() if text != group.question][:2],
        ],
        reasons=dict(group.reasons),
        answered_by=[SourceRef(key=e.key, title=e.title) for e in group.answered_by],
    )
