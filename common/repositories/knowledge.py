"""The shop's knowledge entries and their version."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from common.models import KnowledgeRecord, KnowledgeState, utcnow


class KnowledgeRepository:
    """The shop's policies and FAQ entries, and the version that every edit bumps."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def version(self) -> int:
        return int(self.session.scalar(sa.select(KnowledgeState.version).where(KnowledgeState.id == 1)) or 0)

    def entries(self, kind: str | None = None) -> Sequence[KnowledgeRecord]:
        query = sa.select(KnowledgeRecord).order_by(KnowledgeRecord.kind.desc(), KnowledgeRecord.key)
        if kind is not None:
            query = query.where(KnowledgeRecord.kind == kind)
        return self.session.scalars(query).all()

    def get(self, key: str) -> KnowledgeRecord | None:
        return self.session.get(KnowledgeRecord, key)

    def put(self, *, key: str, title: str, content: str, kind: str) -> tuple[KnowledgeRecord, bool]:
        """Create or replace an entry; returns it and whether it was created."""
        record = self.session.get(KnowledgeRecord, key, with_for_update=True)
        created = record is None
        if record is None:
            record = KnowledgeRecord(key=key, title=title, content=content, kind=kind)
            self.session.add(record)
        else:
            record.title, record.content, record.kind = title, content, kind
        self.session.flush()
        return record, created

    def delete(self, key: str) -> bool:
        result = self.session.execute(sa.delete(KnowledgeRecord).where(KnowledgeRecord.key == key))
        return bool(getattr(result, "rowcount", 0))

    def bump_version(self) -> int:
        """Increment the version (the row lock also serialises concurrent edits)."""
        statement = (
            postgresql.insert(KnowledgeState)
            .values(id=1, version=1, updated_at=utcnow())
            .on_conflict_do_update(
                index_elements=[KnowledgeState.id],
                set_={"version": KnowledgeState.version + 1, "updated_at": utcnow()},
            )
            .returning(KnowledgeState.version)
        )
        return int(self.session.execute(statement).scalar_one())
