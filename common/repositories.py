"""Every query, one repository per aggregate. Repositories never commit."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from common.models import Conversation, KnowledgeRecord, KnowledgeState, Message, MessageStatus, utcnow


@dataclass(frozen=True)
class ClaimedPositions:
    token_hash: bytes
    message_count: int
    summary: str | None
    summary_through_position: int


class ConversationRepository:
    """Conversations and their messages."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def create(self, *, token_hash: bytes, message_count: int) -> uuid.UUID:
        """A new conversation whose first ``message_count`` positions are already taken."""
        conversation_id = uuid.uuid4()
        now = utcnow()
        self.session.execute(
            sa.insert(Conversation).values(
                id=conversation_id,
                token_hash=token_hash,
                message_count=message_count,
                summary_through_position=0,
                created_at=now,
                updated_at=now,
            )
        )
        return conversation_id

    def claim_positions(self, conversation_id: uuid.UUID, count: int) -> ClaimedPositions | None:
        """Reserve the next ``count`` positions, locking the conversation until commit.

        One statement: returns the token hash, the new message count and the summary state,
        or None for an unknown conversation.
        """
        row = self.session.execute(
            sa.update(Conversation)
            .where(Conversation.id == conversation_id)
            .values(message_count=Conversation.message_count + count, updated_at=utcnow())
            .returning(
                Conversation.token_hash,
                Conversation.message_count,
                Conversation.summary,
                Conversation.summary_through_position,
            )
        ).one_or_none()
        return ClaimedPositions(*row) if row is not None else None

    def insert_turn(
        self,
        conversation_id: uuid.UUID,
        *,
        first_position: int,
        question: str,
        client_message_id: str | None,
    ) -> tuple[uuid.UUID, uuid.UUID]:
        """The shopper's message and a ``streaming`` answer placeholder, in one statement."""
        user_id, assistant_id, now = uuid.uuid4(), uuid.uuid4(), utcnow()
        common = {"conversation_id": conversation_id, "created_at": now, "updated_at": now}
        self.session.execute(
            sa.insert(Message).values(
                [
                    {
                        **common,
                        "id": user_id,
                        "position": first_position,
                        "role": "user",
                        "content": question,
                        "status": MessageStatus.COMPLETE,
                        "client_message_id": client_message_id,
                        "reply_to_id": None,
                    },
                    {
                        **common,
                        "id": assistant_id,
                        "position": first_position + 1,
                        "role": "assistant",
                        "content": "",
                        "status": MessageStatus.STREAMING,
                        "client_message_id": None,
                        "reply_to_id": user_id,
                    },
                ]
            )
        )
        return user_id, assistant_id

    def history(
        self, conversation_id: uuid.UUID, *, after_position: int, before_position: int, limit: int
    ) -> list[tuple[str, str]]:
        """Role and text of up to ``limit`` newest messages strictly between two positions, oldest first."""
        rows = self.session.execute(
            sa.select(Message.role, Message.content)
            .where(
                Message.conversation_id == conversation_id,
                Message.position > after_position,
                Message.position < before_position,
                Message.content != "",
                # Failed or cut-off attempts are not part of what was said.
                sa.or_(Message.role == "user", Message.status.in_(("complete", "blocked"))),
            )
            .order_by(Message.position.desc())
            .limit(limit)
        ).all()
        return [(row.role, row.content) for row in reversed(rows)]

    def get(self, conversation_id: uuid.UUID, *, for_update: bool = False) -> Conversation | None:
        """The conversation; ``for_update`` locks its row so turns are numbered one at a time."""
        query = sa.select(Conversation).where(Conversation.id == conversation_id)
        if for_update:
            query = query.with_for_update()
        return self.session.scalars(query).one_or_none()

    def add_message(self, conversation: Conversation, **fields: Any) -> Message:
        """Append a message at the conversation's next position (the caller holds the row lock)."""
        conversation.message_count += 1
        message = Message(
            id=uuid.uuid4(),
            conversation_id=conversation.id,
            position=conversation.message_count,
            **fields,
        )
        self.session.add(message)
        return message

    def get_message(self, message_id: uuid.UUID) -> Message | None:
        return self.session.get(Message, message_id)

    def find_by_client_message_id(self, conversation_id: uuid.UUID, client_message_id: str) -> Message | None:
        return self.session.scalars(
            sa.select(Message).where(
                Message.conversation_id == conversation_id,
                Message.client_message_id == client_message_id,
            )
        ).one_or_none()

    def latest_reply(self, user_message_id: uuid.UUID) -> Message | None:
        """The newest answer to a user message (earlier ones may have failed)."""
        return self.session.scalars(
            sa.select(Message).where(Message.reply_to_id == user_message_id).order_by(Message.position.desc())
        ).first()

    def messages_before(
        self, conversation_id: uuid.UUID, *, before_position: int | None, limit: int
    ) -> Sequence[Message]:
        """Up to ``limit`` messages before ``before_position``, oldest first."""
        query = sa.select(Message).where(Message.conversation_id == conversation_id)
        if before_position is not None:
            query = query.where(Message.position < before_position)
        newest_first = self.session.scalars(query.order_by(Message.position.desc()).limit(limit)).all()
        return list(reversed(newest_first))

    def messages_after(
        self, conversation_id: uuid.UUID, *, after_position: int, limit: int
    ) -> Sequence[Message]:
        """The newest ``limit`` messages after ``after_position``, oldest first."""
        newest_first = self.session.scalars(
            sa.select(Message)
            .where(Message.conversation_id == conversation_id, Message.position > after_position)
            .order_by(Message.position.desc())
            .limit(limit)
        ).all()
        return list(reversed(newest_first))

    def set_summary(
        self, conversation_id: uuid.UUID, summary: str, *, through_position: int, expected_through: int
    ) -> bool:
        """Store a summary unless another one was written meanwhile (then keep that one)."""
        result = self.session.execute(
            sa.update(Conversation)
            .where(
                Conversation.id == conversation_id,
                Conversation.summary_through_position == expected_through,
            )
            .values(summary=summary, summary_through_position=through_position)
        )
        return bool(getattr(result, "rowcount", 0))

    def save_progress(self, message_id: uuid.UUID, content: str) -> None:
        """Checkpoint a streaming answer's text so far (only while it is still streaming)."""
        self.session.execute(
            sa.update(Message)
            .where(Message.id == message_id, Message.status == MessageStatus.STREAMING)
            .values(content=content, updated_at=utcnow())
        )

    def finish_streaming(
        self, message_id: uuid.UUID, *, updated_before: dt.datetime | None = None, **fields: Any
    ) -> bool:
        """End an answer that is still ``streaming`` (and, if given, quiet since ``updated_before``).

        Returns False when it had already ended, so a finished answer is never overwritten.
        """
        query = sa.update(Message).where(Message.id == message_id, Message.status == MessageStatus.STREAMING)
        if updated_before is not None:
            query = query.where(Message.updated_at < updated_before)
        result = self.session.execute(query.values(**fields, updated_at=utcnow(), completed_at=utcnow()))
        return bool(getattr(result, "rowcount", 0))

    def finish_message(self, message_id: uuid.UUID, **fields: Any) -> None:
        self.session.execute(
            sa.update(Message)
            .where(Message.id == message_id)
            .values(**fields, updated_at=utcnow(), completed_at=utcnow())
        )


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
