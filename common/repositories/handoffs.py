"""Handoffs, the events a shopper's page follows, and the webhook outbox."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from common.models import ConversationEvent, Handoff, HandoffStatus, Message, OutboxEvent, utcnow

# Postgres channel of new conversation events; the payload is the conversation id.
EVENTS_CHANNEL = "conversation_events"

_OPEN = (HandoffStatus.WAITING.value, HandoffStatus.WITH_HUMAN.value)


def notify_followers(session: Session, conversation_id: uuid.UUID) -> None:
    """Wake every instance's streams of the conversation (delivered when the transaction commits)."""
    session.execute(sa.select(sa.func.pg_notify(EVENTS_CHANNEL, str(conversation_id))))


class HandoffRepository:
    """A conversation's handoff state and its events."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, conversation_id: uuid.UUID, *, for_update: bool = False) -> Handoff | None:
        query = sa.select(Handoff).where(Handoff.conversation_id == conversation_id)
        if for_update:
            query = query.with_for_update()
        return self.session.scalars(query).one_or_none()

    def add(self, handoff: Handoff) -> Handoff:
        self.session.add(handoff)
        self.session.flush()
        return handoff

    def add_event(
        self, conversation_id: uuid.UUID, kind: str, data: dict[str, Any], *, at: dt.datetime | None = None
    ) -> int:
        """Store an event (``at``: when it happened, by default now) and notify every instance's
        listener (delivered when the transaction commits)."""
        event = ConversationEvent(
            conversation_id=conversation_id, kind=kind, data=data, created_at=at or utcnow()
        )
        self.session.add(event)
        self.session.flush()
        notify_followers(self.session, conversation_id)
        return event.id

    def events_after(
        self, conversation_id: uuid.UUID, *, after_id: int, limit: int = 100
    ) -> Sequence[ConversationEvent]:
        return self.session.scalars(
            sa.select(ConversationEvent)
            .where(ConversationEvent.conversation_id == conversation_id, ConversationEvent.id > after_id)
            .order_by(ConversationEvent.id)
            .limit(limit)
        ).all()

    def status_events(self, conversation_id: uuid.UUID) -> Sequence[ConversationEvent]:
        """Every change of who answers the conversation, oldest first."""
        return self.session.scalars(
            sa.select(ConversationEvent)
            .where(ConversationEvent.conversation_id == conversation_id, ConversationEvent.kind == "status")
            .order_by(ConversationEvent.id)
        ).all()

    def newest_event_id(self, conversation_id: uuid.UUID, *, before: dt.datetime | None = None) -> int:
        """The id of the newest event (created before ``before``, if given); 0 when there is none."""
        newest = sa.select(sa.func.max(ConversationEvent.id)).where(
            ConversationEvent.conversation_id == conversation_id
        )
        if before is not None:
            newest = newest.where(ConversationEvent.created_at < before)
        return int(self.session.scalar(newest) or 0)

    def mark_seen(self, conversation_id: uuid.UUID, at: dt.datetime) -> None:
        self.session.execute(
            sa.update(Handoff).where(Handoff.conversation_id == conversation_id).values(shopper_seen_at=at)
        )

    def recent_questions(
        self, conversation_ids: Sequence[uuid.UUID], *, count: int
    ) -> dict[uuid.UUID, list[str]]:
        """The shopper's last ``count`` messages of each conversation, newest first."""
        if not conversation_ids:
            return {}
        newest = sa.func.row_number().over(
            partition_by=Message.conversation_id, order_by=Message.position.desc()
        )
        ranked = (
            sa.select(Message.conversation_id, Message.content, newest.label("n"))
            .where(Message.conversation_id.in_(conversation_ids), Message.role == "user")
            .subquery()
        )
        rows = self.session.execute(
            sa.select(ranked.c.conversation_id, ranked.c.content)
            .where(ranked.c.n <= count)
            .order_by(ranked.c.conversation_id, ranked.c.n)
        )
        recent: dict[uuid.UUID, list[str]] = {}
        for conversation_id, content in rows:
            recent.setdefault(conversation_id, []).append(content)
        return recent

    def replied_since(self, conversation_id: uuid.UUID, since: dt.datetime) -> bool:
        """Whether staff wrote in the conversation at or after ``since``."""
        replied = sa.exists().where(
            Message.conversation_id == conversation_id, Message.role == "agent", Message.created_at >= since
        )
        return bool(self.session.scalar(sa.select(replied)))

    def open_handoffs(self, *, limit: int) -> Sequence[Handoff]:
        """Open handoffs, oldest request first."""
        return self.session.scalars(
            sa.select(Handoff)
            .where(Handoff.status.in_(_OPEN))
            .order_by(Handoff.requested_at, Handoff.conversation_id)
            .limit(limit)
        ).all()


class OutboxRepository:
    """Webhook notifications waiting to be delivered."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, kind: str, payload: dict[str, Any]) -> uuid.UUID:
        event = OutboxEvent(id=uuid.uuid4(), kind=kind, payload=payload, created_at=utcnow(), attempts=0)
        event.next_attempt_at = event.created_at
        self.session.add(event)
        return event.id

    def lease_due(self, *, now: dt.datetime, lease: dt.timedelta, limit: int) -> Sequence[OutboxEvent]:
        """Due events, leased to this caller until ``now + lease`` (others skip them meanwhile)."""
        due = (
            sa.select(OutboxEvent.id)
            .where(OutboxEvent.delivered_at.is_(None), OutboxEvent.next_attempt_at <= now)
            .order_by(OutboxEvent.next_attempt_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return self.session.scalars(
            sa.update(OutboxEvent)
            .where(OutboxEvent.id.in_(due.scalar_subquery()))
            .values(next_attempt_at=now + lease, attempts=OutboxEvent.attempts + 1)
            .returning(OutboxEvent)
        ).all()

    def delivered(self, event_id: uuid.UUID, at: dt.datetime) -> None:
        self.session.execute(
            sa.update(OutboxEvent).where(OutboxEvent.id == event_id).values(delivered_at=at, last_error=None)
        )

    def failed(self, event_id: uuid.UUID, *, error: str, retry_at: dt.datetime | None) -> None:
        """Record a failed attempt; ``retry_at`` None gives up (the row stays, undelivered)."""
        values: dict[str, Any] = {"last_error": error[:500]}
        values["next_attempt_at"] = retry_at or dt.datetime.max.replace(tzinfo=dt.UTC)
        self.session.execute(sa.update(OutboxEvent).where(OutboxEvent.id == event_id).values(**values))

    def next_due(self) -> dt.datetime | None:
        return self.session.scalar(
            sa.select(sa.func.min(OutboxEvent.next_attempt_at)).where(OutboxEvent.delivered_at.is_(None))
        )
