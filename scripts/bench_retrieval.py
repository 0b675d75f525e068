"""Hybrid retrieval at scale: time per question (p95) over 2,000 entries, and recall@5 on the
labelled questions (tests/eval/questions.yaml). Part of ``make bench``; alone:
``python -m scripts.bench_retrieval [--entries N]``.

Embeddings are the fake Gemini server's (a hashed bag of word stems, 768 dimensions), computed
in-process: the figures are the retrieval's own cost (BM25 over entries, cosine over the numpy
matrix, rank fusion), without the network call that embeds the question in production.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from common.knowledge import DEFAULT_ENTRIES, Knowledge, KnowledgeEntry
from common.knowledge.search.embeddings import EmbeddingMatrix, entry_text, pack
from common.knowledge.search.hybrid import top_entries
from common.knowledge.search.retrieval import knowledge_index
from scripts.fake_gemini import embedding_vector
from tests.eval.evaluate import load_questions

_PRODUCTS = ("shoes", "jacket", "scarf", "lamp", "vase", "mug", "backpack", "dress", "shirt", "watch", "rug")
_COUNTRIES = ("Germany", "France", "Spain", "Italy", "Austria", "Norway", "Switzerland", "Poland", "Sweden")
_TEMPLATES = (
    ("Is the {p} {n} machine washable?", "The {p} {n} can be washed at 30 degrees; do not tumble dry."),
    ("How do I care for the {p} {n}?", "Wipe the {p} {n} with a damp cloth and keep it out of direct sun."),
    (
        "Can I order the {p} {n} to {c}?",
        "The {p} {n} ships to {c} like every other item, in our usual times.",
    ),
    ("What size is the {p} {n}?", "The {p} {n} comes in sizes S to XL; see the size chart on its page."),
    ("Is the {p} {n} back in stock soon?", "We restock the {p} {n} every few weeks; sign up for an alert."),
    ("Does the {p} {n} come with a warranty?", "The {p} {n} has a 2-year warranty against faults."),
    ("What is the {p} {n} made of?", "The {p} {n} is made of recycled materials and packed without plastic."),
)


def synthetic_knowledge(size: int, *, dimensions: int = 768, seed: int = 12) -> Knowledge:
    """The default entries plus generated FAQ entries up to ``size``, with fake embeddings."""
    rng = random.Random(seed)
    entries = list(DEFAULT_ENTRIES)
    while len(entries) < size:
        n = len(entries)
        question, answer = rng.choice(_TEMPLATES)
        values = {"p": rng.choice(_PRODUCTS), "n": n, "c": rng.choice(_COUNTRIES)}
        entries.append(KnowledgeEntry(f"faq-{n}", question.format(**values), answer.format(**values), "faq"))
    vectors = [pack(embedding_vector(entry_text(e.title, e.content), dimensions)) for e in entries]
    return Knowledge(version=1, entries=tuple(entries), embeddings=EmbeddingMatrix.build("fake", vectors))


def _recall(hits: list[bool]) -> float:
    return sum(hits) / len(hits) if hits else 0.0


def run(size: int = 2000, k: int = 5) -> dict[str, float]:
    """The figures: index build, p50/p95 retrieval time, recall@k (hybrid, BM25 alone, vectors alone)."""
    knowledge = synthetic_knowledge(size)
    started = time.perf_counter()
    knowledge_index(knowledge)  # built once per knowledge version on an instance
    build_ms = (time.perf_counter() - started) * 1000
    # The default pages only, and questions that need none before them to be understood.
    questions = [q for q in load_questions() if q.sources and not q.pages and not q.before]
    timings: list[float] = []
    hits: dict[str, list[bool]] = {"hybrid": [], "bm25": [], "vectors": []}
    for question in questions:
        vector = embedding_vector(question.q)
        started = time.perf_counter()
        top = top_entries(knowledge, question.q, k=k, vector=vector)
        timings.append((time.perf_counter() - started) * 1000)
        ranked = {
            "hybrid": top,
            "bm25": top_entries(knowledge, question.q, k=k),
            "vectors": top_entries(knowledge, "", k=k, vector=vector),
        }
        for name, found in ranked.items():
            hits[name].append(bool({e.key for e in found} & set(question.sources)))
    return {
        "entries": float(len(knowledge.entries)),
        "questions": float(len(questions)),
        "index_build_ms": build_ms,
        "p50_ms": statistics.median(timings),
        "p95_ms": statistics.quantiles(timings, n=20)[-1],
        **{f"recall_at_{k}_{name}": _recall(found) for name, found in hits.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--entries", type=int, default=2000)
    options = parser.parse_args(argv)
    figures = run(options.entries)
    entries, questions = figures["entries"], figures["questions"]
    print(f"\nhybrid retrieval over {entries:.0f} entries, {questions:.0f} labelled questions")
    print(f"  index build (once per knowledge version): {figures['index_build_ms']:.0f} ms")
    print(f"  retrieval per question: p50 {figures['p50_ms']:.1f} ms / p95 {figures['p95_ms']:.1f} ms")
    print(
        f"  recall@5: hybrid {figures['recall_at_5_hybrid']:.1%},"
        f" BM25 alone {figures['recall_at_5_bm25']:.1%},"
        f" embeddings alone {figures['recall_at_5_vectors']:.1%} (fake embeddings)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
