"""Answers from the shop's knowledge base without a model: BM25 retrieval, streamed.

Used when no model is configured, as the fallback when the model fails before its first
token, and (optionally) to answer a confident FAQ match without a model call.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import snowballstemmer

from common.knowledge import KNOWLEDGE_MODEL, Knowledge, KnowledgeEntry
from common.llm import Prompt, StreamEnd, StreamEvent, TextDelta

_WORD = re.compile(r"[a-zà-ÿ0-9]+")
# Question words carry no topic ("how long does shipping take" is about shipping).
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "how",
        "i",
        "if",
        "in",
        "is",
        "it",
        "my",
        "of",
        "on",
        "or",
        "our",
        "so",
        "the",
        "to",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
        "me",
        "we",
        "us",
        "this",
        "that",
        "there",
        "long",
        "take",
        "get",
        "much",
        "many",
    ]
)
# Snowball stemmers keep state while they work: one per thread.
_local = threading.local()
# Titles say what an entry is about; count their words more than the body's.
_TITLE_WEIGHT = 3


def tokenize(text: str) -> list[str]:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("english")
    words: list[str] = stemmer.stemWords([w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS])
    return words


@dataclass(frozen=True)
class Match:
    entry: KnowledgeEntry
    score: float
    # How far ahead of the runner-up the best entry is (1.0: no competition).
    margin: float


class KnowledgeIndex:
    """BM25 over the entries of one knowledge snapshot."""

    def __init__(self, knowledge: Knowledge) -> None:
        from rank_bm25 import BM25Okapi  # numpy-backed: loaded only where it is used

        self.knowledge = knowledge
        self._entries = knowledge.entries
        corpus = [tokenize(f"{e.title} " * _TITLE_WEIGHT + e.content) for e in self._entries]
        self._bm25 = BM25Okapi(corpus) if corpus else None

    def best(self, question: str, *, kind: str | None = None) -> Match | None:
        terms = tokenize(question)
        if self._bm25 is None or not terms:
            return None
        scored = sorted(
            (
                (float(score), entry)
                for score, entry in zip(self._bm25.get_scores(terms), self._entries, strict=True)
                if kind is None or entry.kind == kind
            ),
            key=lambda pair: pair[0],
            reverse=True,
        )
        if not scored or scored[0][0] <= 0:
            return None
        top, entry = scored[0]
        runner_up = scored[1][0] if len(scored) > 1 else 0.0
        return Match(entry, top, (top - max(runner_up, 0.0)) / top)


@functools.lru_cache(maxsize=4)
def knowledge_index(knowledge: Knowledge) -> KnowledgeIndex:
    """The index of a knowledge snapshot, built once per version on this instance."""
    return KnowledgeIndex(knowledge)


def knowledge_answer(index: KnowledgeIndex, question: str, entry: KnowledgeEntry | None = None) -> str:
    """The text answering ``question`` from the knowledge base, clearly marked as such."""
    if entry is None:
        match = index.best(question)
        entry = match.entry if match else None
    if entry is None:
        contact = next((e for e in index.knowledge.entries if e.key == "support-hours"), None)
        text = (
            "I couldn't find an answer to that in our help pages, so I don't want to guess. "
            "Our support team can help you personally."
        )
        if contact is not None:
            text += f"\n\n**{contact.title}**: {contact.content}"
        return text
    if entry.kind == "faq":
        return f"From our help pages, **{entry.title}**\n\n{entry.content}"
    return f"From our help pages, **{entry.title}**:\n\n{entry.content}"


class KnowledgeAnswerer:
    """An ``LLMClient`` that answers from the knowledge base, streamed a few words at a time."""

    model = KNOWLEDGE_MODEL

    def __init__(
        self, knowledge: Knowledge, *, entry: KnowledgeEntry | None = None, words_per_chunk: int = 3
    ) -> None:
        # The index is built on first use (and then cached per version), so a fallback that
        # is never needed costs nothing.
        self._knowledge = knowledge
        self._entry = entry
        self._words_per_chunk = words_per_chunk

    def stream(self, prompt: Prompt) -> Iterator[StreamEvent]:
        question = next((t.text for t in reversed(prompt.turns) if t.role == "user"), "")
        words = re.split(
            r"(?<=\s)", knowledge_answer(knowledge_index(self._knowledge), question, self._entry)
        )
        for start in range(0, len(words), self._words_per_chunk):
            yield TextDelta("".join(words[start : start + self._words_per_chunk]))
        yield StreamEnd("stop", 0, 0)

    def complete(self, prompt: Prompt) -> str:
        return ""
