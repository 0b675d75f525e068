"""Conversations and their messages. Repositories never commit; the unit of work does."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import uuid
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from common.errors import ConversationErased, ConversationTaken, RepeatedSend
from common.llm import Turn
from common.models import Conversation, Message, MessageStatus, Role, utcnow
from common.repositories.turn_statements import (
    CONTINUE_CONVERSATION,
    EARLIER_ANSWER_STREAMING,
    EXPIRE_LEASES,
    HISTORY_BETWEEN,
    START_CONVERSATION,
)

# Writes to messages go through the table, not the ORM entity: an ORM-enabled UPDATE spends
# about half a millisecond of CPU synchronising a session that holds no messages anyway.
_MESSAGES: sa.Table = Message.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class ContinuedTurn:
    user_message_id: uuid.UUID
    assistant_message_id: uuid.UUID
    summary: str | None
    history: list[Turn]  # oldest first
    user_position: int
    # An earlier answer is still being written (or this statement's snapshot missed an
    # earlier turn): the history is incomplete until it is stored.
    earlier_pending: bool = False
    # A person has the conversation (a handoff is waiting or claimed).
    handoff_open: bool = False


class ConversationRepository:
    """Conversations and their messages."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def start_conversation(
        self,
        *,
        token_hash: bytes,
        question: str,
        client_message_id: str | None,
        lease_seconds: float,
        conversation_id: uuid.UUID | None = None,
        message_ids: tuple[uuid.UUID, uuid.UUID] | None = None,
    ) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
        """A new conversation with its first question and a ``streaming`` answer placeholder,
        in one statement. Returns the conversation, user message and assistant message ids.

        ``conversation_id``: the id the client proposed; ``ConversationTaken`` if it exists.
        ``message_ids``: the user and assistant message ids, made in advance.
        """
        user_id, assistant_id = message_ids or (uuid.uuid4(), uuid.uuid4())
        ids = {"cid": conversation_id or uuid.uuid4(), "uid": user_id, "aid": assistant_id}
        params = {"hash": token_hash, "question": question, "cmid": client_message_id, "now": utcnow()}
        with _repeated_send_detected():
            self.session.execute(START_CONVERSATION, {**ids, **params, "lease": lease_seconds})
        return ids["cid"], ids["uid"], ids["aid"]

    def continue_conversation(
        self,
        conversation_id: uuid.UUID,
        *,
        token_hash: bytes,
        question: str,
        client_message_id: str | None,
        history_limit: int,
        lease_seconds: float,
    ) -> ContinuedTurn | None:
        """In one statement: check the token, claim the next two positions (locking the
        conversation row), resolve answers whose lease expired, store the question and a
        ``streaming`` placeholder, and read the earlier turns that count for the prompt.
        None for an unknown id or a wrong token."""
        user_id, assistant_id = uuid.uuid4(), uuid.uuid4()
        with _repeated_send_detected():
            rows = self._continue(
                {
                    "cid": conversation_id,
                    "hash": token_hash,
                    "uid": user_id,
                    "aid": assistant_id,
                    "question": question,
                    "cmid": client_message_id,
                    "now": utcnow(),
                    "window": history_limit,
                    "lease": lease_seconds,
                }
            )
        if not rows:
            return None
        history = [Turn.from_stored(row.role, row.content) for row in reversed(rows) if row.role is not None]
        first = rows[0]
        return ContinuedTurn(
            user_id,
            assistant_id,
            first.summary,
            history,
            first.message_count - 1,
            bool(first.earlier_pending),
            bool(first.handoff_open),
        )

    def _continue(self, params: dict[str, Any]) -> Sequence[sa.Row[Any]]:
        return self.session.execute(CONTINUE_CONVERSATION, params).all()

    def history(
        self, conversation_id: uuid.UUID, *, after_position: int, before_position: int, limit: int
    ) -> list[Turn]:
        """Up to ``limit`` newest turns that count as history strictly between two positions,
        oldest first."""
        rows = self.session.execute(
            HISTORY_BETWEEN,
            {"cid": conversation_id, "after": after_position, "before": before_position, "window": limit},
        ).all()
        return [Turn.from_stored(row.role, row.content) for row in reversed(rows)]

    def get(self, conversation_id: uuid.UUID, *, for_update: bool = False) -> Conversation | None:
        """The conversation; ``for_update`` locks its row so turns are numbered one at a time."""
        query = sa.select(Conversation).where(Conversation.id == conversation_id)
        if for_update:
            query = query.with_for_update()
        return self.session.scalars(query).one_or_none()

    def exists(self, conversation_id: uuid.UUID) -> bool:
        """Whether the conversation is still there (not erased)."""
        return self.session.scalar(sa.select(sa.exists().where(Conversation.id == conversation_id))) is True

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

    def add_placeholder(
        self, conversation: Conversation, *, reply_to_id: uuid.UUID, lease_seconds: float
    ) -> Message:
        """A ``streaming`` answer to ``reply_to_id`` at the next position, with a fresh lease."""
        lease = sa.func.now() + sa.func.make_interval(0, 0, 0, 0, 0, 0, sa.literal(lease_seconds, sa.Float()))
        message = self.add_message(
            conversation,
            role=Role.ASSISTANT,
            content="",
            status=MessageStatus.STREAMING,
            reply_to_id=reply_to_id,
            lease_expires_at=lease,
        )
        self.session.flush()
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

    def earlier_answer_streaming(self, conversation_id: uuid.UUID, *, before_position: int) -> bool:
        """Whether an answer before ``before_position`` is still being written (its lease is live)."""
        row = self.session.execute(
            EARLIER_ANSWER_STREAMING, {"cid": conversation_id, "position": before_position}
        ).scalar_one()
        return bool(row)

    def expire_leases(
        self, *, conversation_id: uuid.UUID | None = None, keep: Collection[uuid.UUID] = ()
    ) -> list[uuid.UUID]:
        """Turn ``streaming`` answers whose lease expired (their writer died) into ``interrupted``
        with their checkpointed text and ``answer_lost``: in one conversation, or everywhere
        except ``keep``. Returns the ids resolved."""
        rows = self.session.execute(EXPIRE_LEASES, {"cid": conversation_id, "keep": list(keep)}).all()
        return [row.id for row in rows]

    def finish_streaming(
        self, message_id: uuid.UUID, *, updated_before: dt.datetime | None = None, **fields: Any
    ) -> bool:
        """End an answer that is still ``streaming`` (and, if given, quiet since ``updated_before``).

        Returns False when it had already ended, so a finished answer is never overwritten.
        """
        query = sa.update(_MESSAGES).where(
            _MESSAGES.c.id == message_id, _MESSAGES.c.status == MessageStatus.STREAMING
        )
        if updated_before is not None:
            query = query.where(_MESSAGES.c.updated_at < updated_before)
        result = self.session.execute(query.values(**fields, updated_at=utcnow(), completed_at=utcnow()))
        return bool(getattr(result, "rowcount", 0))

    def finish_message(self, message_id: uuid.UUID, **fields: Any) -> None:
        """Store the writer's outcome. It wins over ``answer_lost``: a lease that expired while
        the database was unreachable is resolved by the answer itself once it can be saved."""
        now = utcnow()
        values = {"error_code": None, **fields, "updated_at": now, "completed_at": now}
        statement = _finish_message_statement(tuple(sorted(values)))
        self.session.execute(
            statement, {"message_id": message_id, **{f"new_{k}": v for k, v in values.items()}}
        )


@functools.lru_cache(maxsize=32)
def _finish_message_statement(columns: tuple[str, ...]) -> sa.Update:
    """``finish_message``'s statement for these columns, built once: building it anew each
    time (and its cache key) cost about 1 ms of CPU per answer, more than running it."""
    finishable = sa.or_(
        _MESSAGES.c.status == MessageStatus.STREAMING,
        sa.and_(_MESSAGES.c.status == MessageStatus.INTERRUPTED, _MESSAGES.c.error_code == "answer_lost"),
    )
    return (
        sa.update(_MESSAGES)
        .where(_MESSAGES.c.id == sa.bindparam("message_id", type_=_MESSAGES.c.id.type), finishable)
        .values({name: sa.bindparam(f"new_{name}", type_=_MESSAGES.c[name].type) for name in columns})
    )


@contextlib.contextmanager
def _repeated_send_detected() -> Iterator[None]:
    """Turn a clash on (conversation, client_message_id) into ``RepeatedSend``, one on a
    proposed conversation id into ``ConversationTaken``, and a new conversation that was not
    created (its id was erased) into ``ConversationErased``."""
    try:
        yield
    except sa_exc.DBAPIError as exc:  # pg8000 reports a foreign key's violation as a ProgrammingError
        if "messages_conversation_id_fkey" in str(exc.orig):
            raise ConversationErased from exc
        if not isinstance(exc, sa_exc.IntegrityError):
            raise
        if "uq_messages_client_id" in str(exc.orig):
            raise RepeatedSend from exc
        if "conversations_pkey" in str(exc.orig) or "uq_messages_position" in str(exc.orig):
            # A proposed id already in use: its messages or its row clash, whichever first.
            raise ConversationTaken from exc
        raise
