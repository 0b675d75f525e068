"""The shop's knowledge entries and their version."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session, undefer

from common.models import KnowledgeRecord, KnowledgeState, utcnow


class KnowledgeRepository:
    """The shop's policies and FAQ entries, and the version that every edit bumps."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def version(self) -> int:
        return int(self.session.scalar(sa.select(KnowledgeState.version).where(KnowledgeState.id == 1)) or 0)

    def entries(self, kind: str | None = None, *, with_embeddings: bool = False) -> Sequence[KnowledgeRecord]:
        query = sa.select(KnowledgeRecord).order_by(KnowledgeRecord.kind.desc(), KnowledgeRecord.key)
        if kind is not None:
            query = query.where(KnowledgeRecord.kind == kind)
        if with_embeddings:
            query = query.options(undefer(KnowledgeRecord.embedding))
        return self.session.scalars(query).all()

    def get(self, key: str) -> KnowledgeRecord | None:
        return self.session.get(KnowledgeRecord, key)

    def put(
        self, *, key: str, title: str, content: str, kind: str, embedding: tuple[bytes, str] | None = None
    ) -> tuple[KnowledgeRecord, bool]:
        """Create or replace an entry; returns it and whether it was created.

        ``embedding`` (vector bytes, model) belongs to this title and content; None marks it
        missing, unless the text is unchanged (then the stored one still fits)."""
        record = self.session.get(KnowledgeRecord, key, with_for_update=True)
        created = record is None
        if record is None:
            record = KnowledgeRecord(key=key, title=title, content=content, kind=kind)
            self.session.add(record)
        elif embedding is None and (record.title, record.content) != (title, content):
            record.embedding, record.embedding_model = None, None
        record.title, record.content, record.kind = title, content, kind
        if embedding is not None:
            record.embedding, record.embedding_model = embedding
        self.session.flush()
        return record, created

    def missing_embeddings(self, model: str, limit: int) -> Sequence[KnowledgeRecord]:
        """Entries without an embedding from ``model`` (never computed, failed, or another model)."""
        query = (
            sa.select(KnowledgeRecord)
            .where(sa.or_(KnowledgeRecord.embedding.is_(None), KnowledgeRecord.embedding_model != model))
            .order_by(KnowledgeRecord.key)
            .limit(limit)
        )
        return self.session.scalars(query).all()

    def set_embedding(self, *, key: str, title: str, content: str, embedding: tuple[bytes, str]) -> bool:
        """Store an embedding computed for this title and content, unless the entry changed since."""
        vector, model = embedding
        result = self.session.execute(
            sa.update(KnowledgeRecord)
            .where(
                KnowledgeRecord.key == key,
                KnowledgeRecord.title == title,
                KnowledgeRecord.content == content,
            )
            # Not an edit: updated_at stays.
            .values(embedding=vector, embedding_model=model, updated_at=KnowledgeRecord.updated_at)
        )
        return bool(getattr(result, "rowcount", 0))

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
