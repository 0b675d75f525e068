"""The shop's knowledge in the database: reading it for the chat, and the staff's edits."""

from __future__ import annotations

from common.errors import NotFound
from common.knowledge import revisions
from common.knowledge.entries import Kind, Knowledge, KnowledgeEntry
from common.models import KnowledgeRecord, KnowledgeRevision
from common.responses import KnowledgeDeleted, KnowledgeEntryWritten, KnowledgeList
from common.responses import KnowledgeEntry as KnowledgeEntryView
from common.unit_of_work import UnitOfWorkFactory


def load_knowledge(*, uow: UnitOfWorkFactory) -> Knowledge:
    """A consistent snapshot: entries and version read in one REPEATABLE READ transaction, so
    the version stored with an answer is the one whose text grounded it."""
    with uow() as tx:
        tx.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        version = tx.knowledge.version()
        entries = tuple(_entry(r) for r in tx.knowledge.entries())
    return Knowledge(version=version, entries=entries)


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
    kind: str,
    edit: revisions.Edit = revisions.Edit(),  # noqa: B008 (a frozen value)
) -> tuple[KnowledgeEntryWritten, bool]:
    """Create or replace an entry, record the revision and bump the version, atomically.
    Returns (entry, created); a stale ``if_match`` raises ``PreconditionFailed``."""
    with uow() as tx:
        current = revisions.before_write(tx, key, edit.if_match)
        record, created = tx.knowledge.put(key=key, title=title, content=content, kind=kind)
        revision = revisions.record(
            tx,
            current=current,
            after=KnowledgeRevision(
                key=key, title=title, content=content, kind=kind, changed_by=edit.changed_by
            ),
        )
        version = tx.knowledge.bump_version()
        written = KnowledgeEntryWritten(**entry_view(record).model_dump(), version=version, revision=revision)
        return written, created


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
