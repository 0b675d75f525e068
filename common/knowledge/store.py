"""The shop's knowledge in the database: reading it for the chat, and the staff's edits."""

from __future__ import annotations

import logging
import threading

from common.errors import NotFound
from common.knowledge import revisions
from common.knowledge.entries import Kind, Knowledge, KnowledgeEntry
from common.knowledge.search.embeddings import EmbeddingMatrix, embed_entries
from common.llm import Embedder
from common.models import KnowledgeRecord, KnowledgeRevision
from common.responses import KnowledgeDeleted, KnowledgeEntryWritten, KnowledgeList
from common.responses import KnowledgeEntry as KnowledgeEntryView
from common.unit_of_work import UnitOfWorkFactory

log = logging.getLogger(__name__)

# Entries embedded per knowledge load when embeddings are missing (one batch call).
BACKFILL_BATCH = 100


def load_knowledge(*, uow: UnitOfWorkFactory, embedder: Embedder | None = None) -> Knowledge:
    """A consistent snapshot: entries, their embeddings and the version read in one REPEATABLE
    READ transaction, so the version stored with an answer is the one whose text grounded it.

    With an ``embedder`` the snapshot carries the stored embeddings of its model (missing rows
    are filled later by ``EmbeddingBackfill``).
    """
    with uow() as tx:
        tx.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        version = tx.knowledge.version()
        records = tx.knowledge.entries(with_embeddings=embedder is not None)
        entries = tuple(_entry(r) for r in records)
        embeddings = None
        if embedder is not None:
            model = embedder.embedding_model
            stored = [r.embedding if r.embedding_model == model else None for r in records]
            embeddings = EmbeddingMatrix.build(model, stored)
    return Knowledge(version=version, entries=entries, embeddings=embeddings)


def backfill_embeddings(*, uow: UnitOfWorkFactory, embedder: Embedder, limit: int) -> int:
    """Embed up to ``limit`` entries that lack an embedding; returns how many were stored.
    The embed call runs outside any transaction."""
    with uow() as tx:
        missing = [_entry(r) for r in tx.knowledge.missing_embeddings(embedder.embedding_model, limit)]
    vectors = embed_entries(embedder, missing)
    if not vectors:
        return 0
    stored = 0
    with uow() as tx:
        for entry, vector in zip(missing, vectors, strict=True):
            embedding = (vector, embedder.embedding_model)
            stored += tx.knowledge.set_embedding(
                key=entry.key, title=entry.title, content=entry.content, embedding=embedding
            )
    return stored


def list_entries(*, uow: UnitOfWorkFactory, kind: str | None = None) -> KnowledgeList:
    with uow() as tx:
        return KnowledgeList(
            version=tx.knowledge.version(), entries=[entry_view(r) for r in tx.knowledge.entries(kind)]
        )


def get_entry(*, uow: UnitOfWorkFactory, key: str) -> KnowledgeEntryView:
    with uow() as tx:
        record = tx.knowledge.get(key)
        if record is None:
            raise NotFound(f"no entry named {key!r}", code="entry_not_found")
        return entry_view(record)


def put_entry(
    *,
    uow: UnitOfWorkFactory,
    key: str,
    title: str,
    content: str,
    kind: str | None = None,
    edit: revisions.Edit = revisions.Edit(),  # noqa: B008 (a frozen value)
) -> tuple[KnowledgeEntryWritten, bool]:
    """Create or replace an entry, record the revision and bump the version, atomically.
    Returns (entry, created); a stale ``if_match`` raises ``PreconditionFailed``. ``kind``
    None keeps the entry's kind (a policy for a new entry). Text and kind as they are stored
    already change nothing: no revision, no new version (a Save without an edit, a retry); a
    restore of the current text is a new revision all the same (its history says who restored it).

    With ``edit.embedder`` the entry's embedding is computed first (outside the transaction);
    if that fails the edit is saved all the same, its embedding marked missing for a later retry.
    """
    embedder = None if _as_stored(uow, key, title, content) else edit.embedder
    vectors = embed_entries(embedder, [KnowledgeEntry(key, title, content)])
    embedding = (vectors[0], embedder.embedding_model) if vectors and embedder else None
    with uow() as tx:
        current = revisions.before_write(tx, key, edit.if_match)
        existing = tx.knowledge.get(key)
        kind = kind or (existing.kind if existing is not None else "policy")
        # A restore of the current text is a revision all the same: its history says who restored it.
        if existing is not None and edit.restored_from is None and _holds(existing, title, content, kind):
            view = entry_view(existing).model_dump()
            return KnowledgeEntryWritten(**view, version=tx.knowledge.version(), revision=current), False
        record, created = tx.knowledge.put(
            key=key, title=title, content=content, kind=kind, embedding=embedding
        )
        revision = revisions.record(
            tx,
            current=current,
            after=KnowledgeRevision(
                key=key,
                title=title,
                content=content,
                kind=kind,
                changed_by=edit.changed_by,
                restored_from=edit.restored_from,
            ),
        )
        version = tx.knowledge.bump_version()
        written = KnowledgeEntryWritten(**entry_view(record).model_dump(), version=version, revision=revision)
        return written, created


def _holds(record: KnowledgeRecord, title: str, content: str, kind: str) -> bool:
    return (record.title, record.content, record.kind) == (title, content, kind)


def _as_stored(uow: UnitOfWorkFactory, key: str, title: str, content: str) -> bool:
    """Whether ``key`` holds this title and content already: its stored embedding still fits."""
    with uow() as tx:
        existing = tx.knowledge.get(key)
    return existing is not None and (existing.title, existing.content) == (title, content)


def delete_entry(
    *,
    uow: UnitOfWorkFactory,
    key: str,
    edit: revisions.Edit = revisions.Edit(),  # noqa: B008 (a frozen value)
) -> KnowledgeDeleted:
    """Delete an entry, record the deletion as a revision and bump the version."""
    with uow() as tx:
        current = revisions.before_write(tx, key, edit.if_match)
        record = tx.knowledge.get(key)
        if record is None:
            raise NotFound(f"no entry named {key!r}", code="entry_not_found")
        gone = KnowledgeRevision(
            key=key,
            title=record.title,
            content=record.content,
            kind=record.kind,
            deleted=True,
            changed_by=edit.changed_by,
        )
        tx.knowledge.delete(key)
        revisions.record(tx, current=current, after=gone)
        return KnowledgeDeleted(deleted=key, version=tx.knowledge.bump_version())


def _entry(record: KnowledgeRecord) -> KnowledgeEntry:
    kind: Kind = "faq" if record.kind == "faq" else "policy"
    return KnowledgeEntry(record.key, record.title, record.content, kind)


def entry_view(record: KnowledgeRecord) -> KnowledgeEntryView:
    return KnowledgeEntryView.model_validate(record, from_attributes=True)


class EmbeddingBackfill:
    """Embeds entries that lack an embedding (saved without a model key, or while the embed call
    failed), in a background thread after a knowledge load, one batch at a time; the next load
    picks them up. Only for knowledge over the grounding budget: below it nothing uses them."""

    def __init__(self, *, uow: UnitOfWorkFactory, embedder: Embedder, token_budget: int) -> None:
        self._uow = uow
        self._embedder = embedder
        self._budget = token_budget
        self._running = threading.Lock()

    def after_load(self, knowledge: Knowledge) -> None:
        from common.knowledge.search.hybrid import exceeds_budget

        embeddings = knowledge.embeddings
        complete = embeddings is not None and bool(embeddings.present.all())
        if complete or not knowledge.entries or not exceeds_budget(knowledge, self._budget):
            return
        if self._running.acquire(blocking=False):
            threading.Thread(target=self._run, name="embedding-backfill", daemon=True).start()

    def _run(self) -> None:
        try:
            backfill_embeddings(uow=self._uow, embedder=self._embedder, limit=BACKFILL_BATCH)
        except Exception as exc:
            log.warning("embedding backfill failed, will retry after the next load: %s", exc)
        finally:
            self._running.release()
