"""The shop's knowledge: reading it for the chat, and the admin's edits."""

from __future__ import annotations

from typing import Any

from common.db import UnitOfWork
from common.errors import NotFound
from common.knowledge import Kind, Knowledge, KnowledgeEntry
from common.models import KnowledgeRecord
from common.repositories import KnowledgeRepository


def load_knowledge(*, uow: UnitOfWork) -> Knowledge:
    """A consistent snapshot: entries and version read in one REPEATABLE READ transaction, so
    the version stored with an answer is the one whose text grounded it."""
    with uow() as session:
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        repo = KnowledgeRepository(session)
        version = repo.version()
        entries = tuple(_entry(r) for r in repo.entries())
    return Knowledge(version=version, entries=entries)


def list_entries(*, uow: UnitOfWork, kind: str | None = None) -> dict[str, Any]:
    with uow() as session:
        repo = KnowledgeRepository(session)
        return {"version": repo.version(), "entries": [entry_view(r) for r in repo.entries(kind)]}


def get_entry(*, uow: UnitOfWork, key: str) -> dict[str, Any]:
    with uow() as session:
        record = KnowledgeRepository(session).get(key)
        if record is None:
            raise NotFound(f"no entry named {key!r}", code="entry_not_found")
        return entry_view(record)


def put_entry(
    *, uow: UnitOfWork, key: str, title: str, content: str, kind: str
) -> tuple[dict[str, Any], bool]:
    """Create or replace an entry and bump the version, atomically. Returns (entry, created)."""
    with uow() as session:
        repo = KnowledgeRepository(session)
        record, created = repo.put(key=key, title=title, content=content, kind=kind)
        version = repo.bump_version()
        return {**entry_view(record), "version": version}, created


def delete_entry(*, uow: UnitOfWork, key: str) -> int:
    """Delete an entry and bump the version; returns the new version."""
    with uow() as session:
        repo = KnowledgeRepository(session)
        if not repo.delete(key):
            raise NotFound(f"no entry named {key!r}", code="entry_not_found")
        return repo.bump_version()


def _entry(record: KnowledgeRecord) -> KnowledgeEntry:
    kind: Kind = "faq" if record.kind == "faq" else "policy"
    return KnowledgeEntry(record.key, record.title, record.content, kind)


def entry_view(record: KnowledgeRecord) -> dict[str, Any]:
    return {
        "key": record.key,
        "title": record.title,
        "content": record.content,
        "kind": record.kind,
        "created_at": record.created_at.isoformat(),
        "updated_at": record.updated_at.isoformat(),
    }
