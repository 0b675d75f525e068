"""The console's reads over conversations: browsing, search, transcripts, unanswered questions,
and the deletions (erasure requests and retention)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from common.models import Conversation, ErasedConversation, Feedback, Handoff, Message, MessageStatus
from common.repositories.handoffs import notify_followers

# Postgres full-text search configuration of the GIN index ix_messages_content_fts, which
# covers finished messages only (migration 0009: a streaming answer's text changes per chunk).
SEARCH_CONFIG = "english"
# Answers saying the shop's knowledge does not cover a question: the assistant's own words, in
# each language it answers in ("I couldn't find", "nichts gefunden", "rien trouvé", ...), not a
# shop's text it quotes ("if you cannot find it"). The same predicate defines the partial index
# ix_messages_unanswered (migration 0015); keep the two identical. No quotes: it sits in SQL.
UNANSWERED_PATTERN = (
    "i (could ?n.t|can ?n.t|cannot|was unable to|am unable to) find|i.m unable to find|not covered"
    "|n.t have (any )?information|no information|nichts gefunden|keine informationen|rien trouv"
    "|pas d.informations?|no he encontrado|no tengo informaci|non ho trovato|non ho informazioni"
    "|niets gevonden|vond ik niets|geen informatie"
    # "Our help pages don't mention “Canada”": where the shop ships, but not to the place asked.
    "|help pages don.t mention|hilfeseiten nicht erw|pages d.aide ne mentionnent"
    "|ayuda no mencionan|aiuto non menzionano|hulppagina.s noemen"
)
_UNANSWERED = f"a.status <> 'streaming' AND a.role = 'assistant' AND a.content ~* '{UNANSWERED_PATTERN}'"


@dataclass(frozen=True)
class ConversationFilter:
    """What the console's conversation list is narrowed to; every field is optional."""

    since: dt.datetime | None = None
    until: dt.datetime | None = None
    status: str | None = None  # an answer with this status
    source: str | None = None  # an answer from model, knowledge or fallback
    rating: str | None = None  # an answer rated up or down
    handoff: str | None = None  # handed to a person, in this state (e.g. waiting_for_human)
    query: str | None = None  # full-text search over the messages


# Each branch is ordered and limited on its own, so each walks its index newest first and stops.
_UNANSWERED_CANDIDATES = sa.text(
    f"""
    SELECT c.question, c.seen_at, c.reason, c.question_id,
           (SELECT p.content FROM messages p
            WHERE p.conversation_id = c.conversation_id AND p.role = 'user' AND p.position < c.position
            ORDER BY p.position DESC LIMIT 1) AS before
    FROM (
      (SELECT q.content AS question, a.created_at AS seen_at, 'not_answered' AS reason,
              q.id AS question_id, q.conversation_id, q.position
       FROM messages a JOIN messages q ON q.id = a.reply_to_id
       WHERE {_UNANSWERED} AND a.created_at >= :since
       ORDER BY a.created_at DESC LIMIT :limit)
      UNION ALL
      (SELECT q.content, f.created_at, 'thumbs_down', q.id, q.conversation_id, q.position
       FROM feedback f
       JOIN messages a ON a.id = f.message_id
       JOIN messages q ON q.id = a.reply_to_id
       WHERE f.rating = 'down' AND f.created_at >= :since
       ORDER BY f.created_at DESC LIMIT :limit)
      ORDER BY seen_at DESC
      LIMIT :limit
    ) c
    ORDER BY c.seen_at DESC
    """  # noqa: S608 (constants only; values are bound)
)


class ConsoleRepository:
    """Conversations as staff see them."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def conversations(
        self, where: ConversationFilter, *, after: tuple[dt.datetime, uuid.UUID] | None, limit: int
    ) -> Sequence[sa.Row[Any]]:
        """The most recently active first, after the keyset cursor ``(updated_at, id)``, with a
        summary per row."""
        c = Conversation
        query = (
            sa.select(
                c.id,
                c.created_at,
                c.updated_at,
                c.message_count,
                _first_question(),
                *_last_answer(),
                _rating_count("up").label("thumbs_up"),
                _rating_count("down").label("thumbs_down"),
            )
            .where(*_conditions(where))
            .order_by(c.updated_at.desc(), c.id.desc())
            .limit(limit)
        )
        if after is not None:
            query = query.where(sa.tuple_(c.updated_at, c.id) < sa.tuple_(*after))
        return self.session.execute(query).all()

    def transcript(self, conversation_id: uuid.UUID, *, limit: int = 1000) -> Sequence[Message]:
        return self.session.scalars(
            sa.select(Message)
            .where(Message.conversation_id == conversation_id)
            .order_by(Message.position)
            .limit(limit)
        ).all()

    def delete_conversation(self, conversation_id: uuid.UUID) -> bool:
        """Delete a conversation with its messages and ratings (they cascade), and keep its id
        as erased, so that a page still holding it cannot create it again."""
        result = self.session.execute(sa.delete(Conversation).where(Conversation.id == conversation_id))
        if not getattr(result, "rowcount", 0):
            return False
        self.session.execute(
            postgresql.insert(ErasedConversation).values(id=conversation_id).on_conflict_do_nothing()
        )
        notify_followers(self.session, conversation_id)  # a page following it lets it go
        return True

    def delete_inactive_since(self, cutoff: dt.datetime, *, batch: int = 1000) -> int:
        """Delete up to ``batch`` conversations whose last activity is before ``cutoff``."""
        ids = sa.select(Conversation.id).where(Conversation.updated_at < cutoff).limit(batch)
        result = self.session.execute(
            sa.delete(Conversation).where(Conversation.id.in_(ids.scalar_subquery()))
        )
        return int(getattr(result, "rowcount", 0))

    def unanswered(self, *, since: dt.datetime, limit: int) -> Sequence[sa.Row[Any]]:
        """Questions whose answer said it was not covered, or got a thumbs down, newest first,
        each with the shopper's question before it in its conversation (``before``)."""
        return self.session.execute(_UNANSWERED_CANDIDATES, {"since": since, "limit": limit}).all()


def _conditions(where: ConversationFilter) -> list[sa.ColumnElement[bool]]:
    c, m = Conversation, Message
    conditions: list[sa.ColumnElement[bool]] = []
    if where.since is not None:
        conditions.append(c.created_at >= where.since)
    if where.until is not None:
        conditions.append(c.created_at < where.until)
    if where.status is not None:
        conditions.append(_has_answer(m.status == where.status))
    if where.source is not None:
        conditions.append(_has_answer(m.source == where.source))
    if where.rating is not None:
        conditions.append(
            sa.exists().where(Feedback.conversation_id == c.id, Feedback.rating == where.rating)
        )
    if where.handoff is not None:
        conditions.append(sa.exists().where(Handoff.conversation_id == c.id, Handoff.status == where.handoff))
    if where.query:
        document = sa.func.to_tsvector(sa.literal_column(f"'{SEARCH_CONFIG}'::regconfig"), m.content)
        query = sa.func.websearch_to_tsquery(sa.literal_column(f"'{SEARCH_CONFIG}'::regconfig"), where.query)
        searched = sa.select(m.conversation_id).where(
            m.status != MessageStatus.STREAMING, document.bool_op("@@")(query)
        )
        conditions.append(c.id.in_(searched))
    return conditions


def _has_answer(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[bool]:
    return sa.exists().where(
        Message.conversation_id == Conversation.id, Message.role == "assistant", condition
    )


def _first_question() -> sa.Label[Any]:
    return (
        sa.select(sa.func.left(Message.content, 200))
        .where(Message.conversation_id == Conversation.id, Message.position == 1)
        .scalar_subquery()
        .label("first_question")
    )


def _last_answer() -> list[sa.Label[Any]]:
    def newest(column: Any, name: str) -> sa.Label[Any]:
        return (
            sa.select(column)
            .where(Message.conversation_id == Conversation.id, Message.role == "assistant")
            .order_by(Message.position.desc())
            .limit(1)
            .scalar_subquery()
            .label(name)
        )

    return [newest(Message.status, "last_status"), newest(Message.source, "last_source")]


def _rating_count(rating: str) -> sa.ScalarSelect[Any]:
    return (
        sa.select(sa.func.count())
        .where(Feedback.conversation_id == Conversation.id, Feedback.rating == rating)
        .scalar_subquery()
    )
