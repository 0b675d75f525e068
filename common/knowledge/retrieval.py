"""Finding the entries that answer a question: BM25 over one knowledge snapshot."""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass

import snowballstemmer

from common.knowledge.entries import Knowledge, KnowledgeEntry

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
