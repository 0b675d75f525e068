"""Every change of a knowledge entry is a revision: who changed what when, restorable.

``store.put_entry`` and ``store.delete_entry`` call ``before_write`` (lock the key, check
``If-Match``) and ``record`` (append the revision) inside their own transaction, so an edit
and its revision are one atomic change. An entry's ETag is its newest revision number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from common.console.responses import DeletedEntries, DeletedEntry, KnowledgeRevisions, KnowledgeRevisionView
from common.errors import InvalidRequest, NotFound, PreconditionFailed
from common.llm import Embedder
from common.models import KnowledgeRecord, KnowledgeRevision, utcnow
from common.responses import KnowledgeEntry as KnowledgeEntryView
from common.responses import KnowledgeEntryWritten
from common.unit_of_work import UnitOfWork, UnitOfWorkFactory

# Who "made" an entry that existed before revisions were recorded.
BEFORE_REVISIONS = "(before revisions)"


@dataclass(frozen=True)
class Edit:
    """Who makes a change, the ``If-Match`` it is based on (None: unconditional), the model
    that embeds the saved text for retrieval (None: no embedding), and the revision it restores
    (None: an edit)."""

    changed_by: str = "admin"
    if_match: str | None = None
    embedder: Embedder | None = None
    restored_from: int | None = None


def etag(revision: int) -> str:
    return f'"{revision}"'


# One entity tag (RFC 9110): "3" or W/"3".
_ENTITY_TAG = re.compile(r'(?:W/)?"[^"]*"')


def if_match_tags(header: str | None) -> frozenset[str] | None:
    """The revisions ``If-Match`` names (``*``: any), without ``W/``; None without the header.

    A tag not in double quotes (``If-Match: 2``) is refused with 400 ``invalid_if_match``
    rather than read as another revision, which would say someone else changed the entry.
    """
    if header is None:
        return None
    tags = [tag.strip() for tag in header.split(",")]
    if tags == ["*"]:
        return frozenset(tags)
    if not all(_ENTITY_TAG.fullmatch(tag) for tag in tags):
        raise InvalidRequest(
            'If-Match must be "*" or the ETag the entry was loaded with, in double quotes, such as "3"',
            code="invalid_if_match",
        )
    return frozenset(tag.removeprefix("W/") for tag in tags)


def before_write(tx: UnitOfWork, key: str, if_match: str | None) -> int:
    """Lock ``key`` for this transaction and return its newest revision number (0: none).

    ``If-Match`` that names another revision (or ``*`` for a missing entry) raises 412
    ``edit_conflict``, so a second editor never overwrites the first one silently. ``"0"``
    names no entry: one never created, or one deleted (a create overwrites no one's text). An
    entry that predates revisions first gets its existing text as revision 1, so a restore can
    always go back to it.
    """
    wanted = if_match_tags(if_match)
    tx.revisions.lock(key)
    latest = tx.revisions.latest(key)
    existing = tx.knowledge.get(key)
    # An entry that predates revisions is revision 1, as its ETag and revision list say.
    current = latest.revision if latest else (1 if existing is not None else 0)
    if wanted is not None:
        if "*" in wanted and existing is None:
            raise PreconditionFailed(f"{key!r} does not exist (If-Match: * asks for an existing entry)")
        absent = existing is None and etag(0) in wanted
        if "*" not in wanted and etag(current) not in wanted and not absent:
            raise PreconditionFailed(
                f"{key!r} was changed by someone else (it is at revision {current} now); "
                "reload it and apply your change again"
            )
    if existing is not None and latest is None:
        tx.revisions.add(_revision(existing, revision=1, changed_by=BEFORE_REVISIONS))
    return current


def record(tx: UnitOfWork, *, current: int, after: KnowledgeRevision) -> int:
    """Append ``after`` as the revision following ``current``; returns its number."""
    after.revision = current + 1
    after.changed_at = utcnow()
    tx.revisions.add(after)
    return after.revision


def _revision(entry: KnowledgeRecord, *, revision: int, changed_by: str) -> KnowledgeRevision:
    return KnowledgeRevision(
        key=entry.key,
        revision=revision,
        title=entry.title,
        content=entry.content,
        kind=entry.kind,
        deleted=False,
        changed_by=changed_by,
        changed_at=entry.updated_at,
    )


def read_entry(*, uow: UnitOfWorkFactory, key: str) -> tuple[KnowledgeEntryView, str]:
    """An entry and its ETag, read together so the tag matches the text."""
    with uow() as tx:
        entry = tx.knowledge.get(key)
        if entry is None:
            raise NotFound(f"no entry named {key!r}", code="entry_not_found")
        latest = tx.revisions.latest(key)
        view = KnowledgeEntryView.model_validate(entry, from_attributes=True)
        return view, etag(latest.revision if latest else 1)  # predates revisions: revision 1


def list_revisions(*, uow: UnitOfWorkFactory, key: str) -> KnowledgeRevisions:
    """The key's revisions, newest first. An entry that predates revisions shows its current
    text as revision 1; a key that never existed answers 404."""
    with uow() as tx:
        rows = list(tx.revisions.newest_first(key))
        entry = tx.knowledge.get(key)
    if not rows and entry is not None:
        rows = [_revision(entry, revision=1, changed_by=BEFORE_REVISIONS)]
    if not rows:
        raise NotFound(f"no entry named {key!r}", code="entry_not_found")
    return KnowledgeRevisions(
        key=key, revisions=[KnowledgeRevisionView.model_validate(r, from_attributes=True) for r in rows]
    )


def list_deleted(*, uow: UnitOfWorkFactory) -> DeletedEntries:
    """Entries deleted now (at most 200), so that staff find them again to restore."""
    with uow() as tx:
        rows = tx.revisions.deleted()
        entries = [
            DeletedEntry.model_validate(
                {
                    "key": r.key,
                    "title": r.title,
                    "kind": r.kind,
                    "revision": r.revision,
                    "deleted_by": r.changed_by,
                    "deleted_at": r.changed_at,
                }
            )
            for r in rows
        ]
    return DeletedEntries(entries=entries)


def restore(
    *, uow: UnitOfWorkFactory, key: str, revision: int, edit: Edit
) -> tuple[KnowledgeEntryWritten, bool]:
    """Make revision ``revision`` of ``key`` current again, as a new revision."""
    from common.knowledge import store

    old = next((r for r in list_revisions(uow=uow, key=key).revisions if r.revision == revision), None)
    if old is None:
        raise NotFound(f"{key!r} has no revision {revision}", code="revision_not_found")
    if old.deleted:
        raise InvalidRequest(
            f"revision {revision} of {key!r} is its deletion; restore an earlier revision",
            code="revision_is_deletion",
        )
    edit = replace(edit, restored_from=revision)
    return store.put_entry(uow=uow, key=key, title=old.title, content=old.content, kind=old.kind, edit=edit)
