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
class ContinuedTurn:
    user_message_id: uuid.UUID
    assistant_message_id: uuid.UUID
    summary: str | None
    history: list[tuple[str, str]]  # (role, text), oldest first


# A turn's first transaction is one round trip: these statements do in one what would
# otherwise be a lock, a read, two inserts and an update. (One statement reads one snapshot:
# of two sends racing in one conversation, the second is stored after the first, but its
# prompt history may not yet include the first question, which had no answer anyway.)
_TURN_PARAMS = (
    sa.bindparam("cid", type_=sa.Uuid()),
    sa.bindparam("uid", type_=sa.Uuid()),
    sa.bindparam("aid", type_=sa.Uuid()),
    sa.bindparam("hash", type_=sa.LargeBinary()),
    sa.bindparam("now", type_=sa.DateTime(timezone=True)),
)
_START_CONVERSATION = sa.text(
    """
    WITH conversation AS (
        INSERT INTO conversations
            (id, token_hash, message_count, summary_through_position, created_at, updated_at)
        VALUES (:cid, :hash, 2, 0, :now, :now)
    )
    INSERT INTO messages (id, conversation_id, position, role, content, status, client_message_id,
                          reply_to_id, created_at, updated_at)
    VALUES (:uid, :cid, 1, 'user', :question, 'complete', :cmid, NULL, :now, :now),
           (:aid, :cid, 2, 'assistant', '', 'streaming', NULL, :uid, :now, :now)
    """
).bindparams(*_TURN_PARAMS)
_CONTINUE_CONVERSATION = sa.text(
    """
    WITH claimed AS (
        UPDATE conversations SET message_count = message_count + 2, updated_at = :now
        WHERE id = :cid AND token_hash = :hash
        RETURNING message_count, summary, summary_through_position
    ), inserted AS (
        INSERT INTO messages (id, conversation_id, position, role, content, status, client_message_id,
                              reply_to_id, created_at, updated_at)
        SELECT :uid, :cid, message_count - 1, 'user', :question, 'complete', :cmid, NULL, :now, :now
        FROM claimed
        UNION ALL
        SELECT :aid, :cid, message_count, 'assistant', '', 'streaming', NULL, :uid, :now, :now
        FROM claimed
    )
    SELECT claimed.summary, earlier.role, earlier.content
    FROM claimed
    LEFT JOIN LATERAL (
        SELECT m.role, m.content, m.position
        FROM messages m
        WHERE m.conversation_id = :cid
          AND m.position > claimed.summary_through_position
          AND m.position < claimed.message_count - 1
          AND m.content <> ''
          -- failed or cut-off attempts are not part of what was said
          AND (m.role = 'user' OR m.status IN ('complete', 'blocked'))
        ORDER BY m.position DESC
        LIMIT :window
    ) earlier ON true
    ORDER BY earlier.position DESC
    """
).bindparams(*_TURN_PARAMS)


class ConversationRepository:
    """Conversations and their messages."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def start_conversation(
        self, *, token_hash: bytes, question: str, client_message_id: str | None
    ) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
        """A new conversation with its first question and a ``streaming`` answer placeholder,
        in one statement. Returns the conversation, user message and assistant message ids."""
        ids = {"cid": uuid.uuid4(), "uid": uuid.uuid4(), "aid": uuid.uuid4()}
        self.session.execute(
            _START_CONVERSATION,
            {**ids, "hash": token_hash, "question": question, "cmid": client_message_id, "now": utcnow()},
        )
        return ids["cid"], ids["uid"], ids["aid"]

    def continue_conversation(
        self,
        conversation_id: uuid.UUID,
        *,
        token_hash: bytes,
        question: str,
        client_message_id: str | None,
        history_limit: int,
    ) -> ContinuedTurn | None:
        """In one statement: check the token, claim the next two positions (locking the
        conversation row), store the question and a ``streaming`` placeholder, and read the
        earlier turns that count for the prompt. None for an unknown id or a wrong token."""
        user_id, assistant_id = uuid.uuid4(), uuid.uuid4()
        rows = self.session.execute(
            _CONTINUE_CONVERSATION,
            {
                "cid": conversation_id,
                "hash": token_hash,
                "uid": user_id,
                "aid": assistant_id,
                "question": question,
                "cmid": client_message_id,
                "now": utcnow(),
                "window": history_limit,
            },
        ).all()
        if not rows:
            return None
        history = [(row.role, row.content) for row in reversed(rows) if row.role is not None]
        return ContinuedTurn(user_id, assistant_id, rows[0].summary, history)

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
