"""Score the knowledge answerer on the labelled questions (``make eval``; tests/eval/test_eval.py).

A question passes when its answer holds every ``must`` fact (``a | b``: either), none of the
``must_not`` ones, and fits on a phone (``MAX_CHARS``). A question with ``pages`` is asked of the
default knowledge with those entries' texts replaced (a whole entry, ``{title, kind, content}``,
adds or replaces one; ``null`` deletes one: another shop); one with ``before`` follows up the
shopper's questions before it, as in a conversation.
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from common.knowledge import DEFAULT_KNOWLEDGE, Knowledge
from common.knowledge.answering.answerer import KnowledgeAnswerer
from common.knowledge.entries import KnowledgeEntry

# An entry's text, a whole entry ({title, kind, content}) or None (the entry deleted).
Page = str | dict[str, str] | None
QUESTIONS = Path(__file__).with_name("questions.yaml")
MAX_CHARS = 600
PASS_MARK = 0.9


@dataclass(frozen=True)
class Question:
    q: str
    kind: str
    must: list[str] = field(default_factory=list)
    must_not: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    lang: str = "en"
    # Entry key → its text (or a whole entry, or None: deleted), for this question only: a shop
    # whose pages say otherwise.
    pages: dict[str, Page] = field(default_factory=dict)
    # The shopper's questions before this one, oldest first: a follow-up ("How long do I have?").
    before: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Miss:
    question: Question
    answer: str
    problems: list[str]


def load_questions(path: Path = QUESTIONS) -> list[Question]:
    items: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Question(**item) for item in items]


def problems_with(question: Question, answer: str) -> list[str]:
    text = answer.lower()
    found = [
        f"missing {fact!r}"
        for fact in question.must
        if not any(option.strip().lower() in text for option in fact.split("|"))
    ]
    found += [f"must not say {fact!r}" for fact in question.must_not if fact.lower() in text]
    if len(answer) > MAX_CHARS:
        found.append(f"{len(answer)} characters (at most {MAX_CHARS})")
    return found


def knowledge_for(question: Question, knowledge: Knowledge) -> Knowledge:
    """``knowledge`` with the question's own ``pages``, if it has any."""
    if not question.pages:
        return knowledge
    pages = question.pages
    entries = [
        _page(e, pages[e.key]) if e.key in pages else e
        for e in knowledge.entries
        if pages.get(e.key, "") is not None
    ]
    known = {e.key for e in knowledge.entries}
    entries += [
        KnowledgeEntry(key, page["title"], page["content"], page.get("kind", "policy"))  # type: ignore[arg-type]
        for key, page in pages.items()
        if isinstance(page, dict) and key not in known
    ]
    return dataclasses.replace(knowledge, entries=tuple(entries))


def _page(entry: KnowledgeEntry, page: Page) -> KnowledgeEntry:
    if isinstance(page, dict):
        return KnowledgeEntry(entry.key, page["title"], page["content"], page.get("kind", entry.kind))  # type: ignore[arg-type]
    return dataclasses.replace(entry, content=page or entry.content)


def evaluate(knowledge: Knowledge = DEFAULT_KNOWLEDGE) -> tuple[float, int, list[Miss]]:
    """(score, number of questions, misses)."""
    questions = load_questions()
    misses = []
    for question in questions:
        answerer = KnowledgeAnswerer(knowledge_for(question, knowledge))
        answer = answerer.answer(question.q, before="\n\n".join(question.before)).text
        problems = problems_with(question, answer)
        if problems:
            misses.append(Miss(question, answer, problems))
    return 1 - len(misses) / len(questions), len(questions), misses


def main() -> int:
    score, total, misses = evaluate()
    for miss in misses:
        asked = " >> ".join([*miss.question.before, miss.question.q])
        print(f"MISS [{miss.question.kind}/{miss.question.lang}] {asked}")
        print(f"     {'; '.join(miss.problems)}")
        print("     answer: " + miss.answer.replace("\n", " ")[:400])
    print(
        f"\neval: {total - len(misses)}/{total} answered correctly = {score:.1%} (pass mark {PASS_MARK:.0%})"
    )
    return 0 if score >= PASS_MARK else 1


if __name__ == "__main__":
    sys.exit(main())
