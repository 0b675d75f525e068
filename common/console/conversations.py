"""Browsing conversations: the filtered, searchable, keyset-paginated list and transcripts."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import logging
import uuid

from common.console.responses import (
    AnswerFeedback,
    ConversationDeleted,
    ConversationList,
    ConversationSummary,
    HandoffStep,
    Transcript,
    TranscriptMessage,
)
from common.errors import InvalidRequest, NotFound
from common.models import Feedback, Message
from common.repositories import ConversationFilter
from common.services.history import message_view
from common.unit_of_work import UnitOfWorkFactory

log = logging.getLogger(__name__)


def list_conversations(
    *, uow: UnitOfWorkFactory, where: ConversationFilter, cursor: str | None, limit: int
) -> ConversationList:
    """The most recently active first (a new message, the shopper's or staff's, moves a
    conversation up). ``cursor`` is the ``next_cursor`` of the previous page (keyset pagination:
    every page costs the same, however deep)."""
    after = decode_cursor(cursor) if cursor is not None else None
    with uow() as tx:
        rows = tx.console.conversations(where, after=after, limit=limit + 1)
    page = [ConversationSummary.model_validate(row, from_attributes=True) for row in rows[:limit]]
    more = len(rows) > limit
    return ConversationList(
        conversations=page, next_cursor=encode_cursor(page[-1].updated_at, page[-1].id) if more else None
    )


def encode_cursor(updated_at: dt.datetime, conversation_id: uuid.UUID) -> str:
    raw = f"{updated_at.isoformat()}|{conversation_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        updated_at, _, conversation_id = raw.partition("|")
        after = dt.datetime.fromisoformat(updated_at)
        if after.tzinfo is None:
            raise ValueError("a next_cursor's time has its offset")
        return after.astimezone(dt.UTC), uuid.UUID(conversation_id)  # in range of a timestamp
    except (ValueError, OverflowError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidRequest("cursor is not a next_cursor of this list", code="invalid_cursor") from exc


def transcript(*, uow: UnitOfWorkFactory, conversation_id: uuid.UUID) -> Transcript:
    """Every message with its source, model, tokens, cost, timings, knowledge version and rating."""
    with uow() as tx:
        conversation = tx.conversations.get(conversation_id)
        if conversation is None:
            raise NotFound("conversation not found", code="conversation_not_found")
        messages = tx.console.transcript(conversation_id)
        ratings = tx.feedback.for_conversation(conversation_id)
        steps = [
            HandoffStep(status=e.data["status"], author=e.data.get("author"), at=e.created_at)
            for e in tx.handoffs.status_events(conversation_id)
        ]
    return Transcript(
        conversation_id=conversation_id,
        created_at=conversation.created_at,
        messages=[_message(m, ratings.get(m.id)) for m in messages],
        handoff_steps=steps,
    )


def _message(message: Message, rating: Feedback | None) -> TranscriptMessage:
    """The message as history shows it, plus what only staff see: its cost and its rating."""
    return TranscriptMessage(
        **dict(message_view(message)),
        cost_usd=message.cost_usd,
        feedback=AnswerFeedback.model_validate(rating, from_attributes=True) if rating else None,
    )


def delete_conversation(
    *, uow: UnitOfWorkFactory, conversation_id: uuid.UUID, deleted_by: str
) -> ConversationDeleted:
    """Erase a conversation with its messages and ratings (a shopper's erasure request)."""
    with uow() as tx:
        if not tx.console.delete_conversation(conversation_id):
            raise NotFound("conversation not found", code="conversation_not_found")
    log.info("conversation %s deleted by %s", conversation_id, deleted_by)
    return ConversationDeleted(deleted=conversation_id)
