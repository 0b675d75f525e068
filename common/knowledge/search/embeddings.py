"""Entry embeddings: stored as float32 bytes, held by the cached snapshot as one matrix."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from common.knowledge.entries import KnowledgeEntry
from common.llm import Embedder

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class EmbeddingMatrix:
    """One unit-length row per entry (in the snapshot's order); ``present`` is False for entries
    whose embedding is missing (their row is zero, so their cosine is 0)."""

    model: str
    rows: NDArray[np.float32]
    present: NDArray[np.bool_]

    @classmethod
    def build(cls, model: str, vectors: Sequence[bytes | None]) -> EmbeddingMatrix | None:
        """From stored bytes; rows of another length than the most common one count as missing."""
        if not any(vectors):
            return None  # nothing stored (a knowledge base within the budget): numpy stays unloaded
        import numpy as np

        arrays = [np.frombuffer(v, dtype="<f4") if v else None for v in vectors]
        lengths = [len(a) for a in arrays if a is not None and len(a)]
        if not lengths:
            return None
        width = max(set(lengths), key=lengths.count)
        rows = np.zeros((len(arrays), width), dtype=np.float32)
        present = np.zeros(len(arrays), dtype=bool)
        for n, array in enumerate(arrays):
            if array is not None and len(array) == width:
                rows[n], present[n] = array, True
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        rows = np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)
        return cls(model, rows, present & (norms[:, 0] > 0))

    def cosine(self, vector: Sequence[float]) -> NDArray[np.float32]:
        """Cosine similarity of every entry to ``vector`` (0 where an embedding is missing)."""
        import numpy as np

        query = np.asarray(vector, dtype=np.float32)
        if query.shape != (self.rows.shape[1],):
            return np.zeros(len(self.rows), dtype=np.float32)
        norm = float(np.linalg.norm(query)) or 1.0
        scores: NDArray[np.float32] = self.rows @ (query / norm)
        return scores


def entry_text(title: str, content: str) -> str:
    """What is embedded for an entry: its title and its text."""
    return f"{title}\n{content}"


def pack(vector: Sequence[float]) -> bytes:
    import numpy as np

    return np.asarray(vector, dtype="<f4").tobytes()


def embed_entries(embedder: Embedder | None, entries: Sequence[KnowledgeEntry]) -> list[bytes] | None:
    """Packed embeddings of ``entries``, or None (no embedder, or the call failed: logged, and
    the entries are saved without one, to be embedded later)."""
    if embedder is None or not entries:
        return None
    try:
        vectors = embedder.embed([entry_text(e.title, e.content) for e in entries], task="RETRIEVAL_DOCUMENT")
    except Exception as exc:
        log.warning("embedding %d knowledge entries failed, will retry later: %s", len(entries), exc)
        return None
    return [pack(v) for v in vectors]


def embed_question(embedder: Embedder | None, text: str) -> list[float] | None:
    """The question's vector, or None when it cannot be had (retrieval then uses BM25 alone)."""
    if embedder is None:
        return None
    try:
        return embedder.embed([text], task="RETRIEVAL_QUERY")[0]
    except Exception as exc:
        log.warning("embedding a question failed, retrieving with BM25 alone: %s", exc)
        return None
