"""Knowledge revisions: every change of an entry, newest last."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from common.models import KnowledgeRevision


class RevisionRepository:
    """The revisions of knowledge entries, per key."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def lock(self, key: str) -> None:
        """Serialise edits of one key until the transaction ends (also when the entry does
        not exist yet, which a row lock could not cover)."""
        self.session.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext("knowledge:" + key))))

    def latest(self, key: str) -> KnowledgeRevision | None:
        return self.session.scalars(
            sa.select(KnowledgeRevision)
            .where(KnowledgeRevision.key == key)
            .order_by(KnowledgeRevision.revision.desc())
            .limit(1)
        ).first()

    def last_changed(self, keys: Collection[str]) -> dict[str, dt.datetime]:
        """When each of ``keys`` last changed what it answers (keys without revisions are left
        out): its content, an FAQ's question (its title), its kind, or whether it exists; not a
        policy's title alone ("Shipping (kbd)" for "Shipping")."""
        r = KnowledgeRevision
        columns = (r.content, r.title, r.kind, r.deleted)
        before = [
            sa.func.lag(c).over(partition_by=r.key, order_by=r.revision).label(f"was_{c.key}")
            for c in columns
        ]
        history = sa.select(r.key, r.changed_at, *columns, *before).where(r.key.in_(list(keys))).subquery()
        now, was = history.c, {c.key: history.c[f"was_{c.key}"] for c in columns}
        answers_anew = sa.or_(
            was["content"].is_(None),  # the first revision
            was["content"] != now.content,
            was["kind"] != now.kind,
            was["deleted"] != now.deleted,
            sa.and_(now.kind == "faq", was["title"] != now.title),
        )
        rows = self.session.execute(
            sa.select(now.key, sa.func.max(now.changed_at)).where(answers_anew).group_by(now.key)
        ).all()
        return {key: changed_at for key, changed_at in rows}

    def newest_first(self, key: str, *, limit: int = 200) -> Sequence[KnowledgeRevision]:
        return self.session.scalars(
            sa.select(KnowledgeRevision)
            .where(KnowledgeRevision.key == key)
            .order_by(KnowledgeRevision.revision.desc())
            .limit(limit)
        ).all()

    def deleted(self, *, limit: int = 200) -> Sequence[KnowledgeRevision]:
        """The deletions of keys that are deleted now (their newest revision), latest first."""
        row = KnowledgeRevision
        newest = sa.select(row.key, sa.func.max(row.revision).label("revision")).group_by(row.key).subquery()
        return self.session.scalars(
            sa.select(row)
            .join(newest, sa.and_(row.key == newest.c.key, row.revision == newest.c.revision))
            .where(row.deleted)
            .order_by(row.changed_at.desc(), row.key)
            .limit(limit)
        ).all()

    def get(self, key: str, revision: int) -> KnowledgeRevision | None:
        return self.session.scalars(
            sa.select(KnowledgeRevision).where(
                KnowledgeRevision.key == key, KnowledgeRevision.revision == revision
            )
        ).one_or_none()

    def add(self, revision: KnowledgeRevision) -> KnowledgeRevision:
        self.session.add(revision)
        self.session.flush()
        return revision
