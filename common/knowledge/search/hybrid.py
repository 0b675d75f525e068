"""Grounding a large knowledge base: only the entries that matter for the question.

Below the token budget the whole knowledge goes into ``systemInstruction`` (as always). Above
it, each question is grounded with its top entries from hybrid retrieval: BM25 (stems and shop
concepts) fused with the cosine of Gemini embeddings, by reciprocal rank.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from common.chat.prompt import estimate_tokens
from common.knowledge.entries import Knowledge, KnowledgeEntry
from common.knowledge.grounding import build_system_instruction
from common.knowledge.search.embeddings import embed_question
from common.knowledge.search.retrieval import knowledge_index
from common.llm import Embedder

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

# Reciprocal rank fusion's damping: the usual 60 keeps one list's top rank from dominating.
RRF_K = 60


@functools.lru_cache(maxsize=4)
def instruction_tokens(knowledge: Knowledge) -> int:
    """Estimated tokens of the whole knowledge as ``systemInstruction`` (once per snapshot)."""
    return estimate_tokens(build_system_instruction(knowledge))


def exceeds_budget(knowledge: Knowledge, budget: int) -> bool:
    return instruction_tokens(knowledge) > budget


def ground(knowledge: Knowledge, question: str, *, budget: int, top: int, embedder: Embedder | None) -> str:
    """The ``systemInstruction`` for ``question``: the whole knowledge if it fits ``budget``,
    else its ``top`` entries for the question (BM25 alone if the question cannot be embedded)."""
    if not exceeds_budget(knowledge, budget):
        return build_system_instruction(knowledge)
    vector = embed_question(embedder, question) if knowledge.embeddings is not None else None
    entries = top_entries(knowledge, question, k=top, vector=vector)
    return build_system_instruction(knowledge, entries=entries)


def top_entries(
    knowledge: Knowledge, question: str, *, k: int, vector: list[float] | None = None
) -> list[KnowledgeEntry]:
    """The ``k`` entries that best answer ``question``, best first."""
    import numpy as np

    index = knowledge_index(knowledge)
    fused = _rrf(index.entry_scores(index.query(question)))
    if vector is not None and knowledge.embeddings is not None:
        cosine = knowledge.embeddings.cosine(vector).astype(np.float64)
        fused += _rrf(np.where(knowledge.embeddings.present, cosine, 0.0))
    if not fused.any():
        return []
    best = np.argsort(-fused, kind="stable")[:k]
    return [knowledge.entries[int(n)] for n in best if fused[n] > 0]


def _rrf(scores: NDArray[np.float64]) -> NDArray[np.float64]:
    """1 / (RRF_K + rank) for every entry with a positive score, 0 for the rest."""
    import numpy as np

    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.float64)
    ranks[order] = np.arange(1, len(scores) + 1)
    fused: NDArray[np.float64] = np.where(scores > 0, 1.0 / (RRF_K + ranks), 0.0)
    return fused
