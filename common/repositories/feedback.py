"""Shoppers' ratings of answers."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session, aliased

from common.models import Feedback, Message, utcnow


class FeedbackRepository:
    """One rating per answer; a new one replaces the earlier."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def put(
        self, *, message_id: uuid.UUID, conversation_id: uuid.UUID, rating: str, comment: str | None
    ) -> None:
        now = utcnow()
        statement = (
            postgresql.insert(Feedback)
            .values(
                message_id=message_id,
                conversation_id=conversation_id,
                rating=rating,
                comment=comment,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_update(
                index_elements=[Feedback.message_id],
                set_={"rating": rating, "comment": comment, "updated_at": now},
            )
        )
        self.session.execute(statement)

    def for_conversation(self, conversation_id: uuid.UUID) -> dict[uuid.UUID, Feedback]:
        rows = self.session.scalars(sa.select(Feedback).where(Feedback.conversation_id == conversation_id))
        return {f.message_id: f for f in rows}

    def recent(self, *, since: dt.datetime, rating: str | None, limit: int) -> Sequence[sa.Row[Any]]:
        """The newest ratings since ``since`` with the answer and the question it answered."""
        answer, question = aliased(Message), aliased(Message)
        query = (
            sa.select(
                Feedback.message_id,
                Feedback.conversation_id,
                Feedback.rating,
                Feedback.comment,
                Feedback.updated_at,
                answer.content.label("answer"),
                question.content.label("question"),
            )
            .join(answer, answer.id == Feedback.message_id)
            .outerjoin(question, question.id == answer.reply_to_id)
            .where(Feedback.created_at >= since)
            .order_by(Feedback.created_at.desc())
            .limit(limit)
        )
        if rating is not None:
            query = query.where(Feedback.rating == rating)
        return cast(Sequence[sa.Row[Any]], self.session.execute(query).all())
