"""A shopper's thumbs up or down on one answer of their conversation."""

from __future__ import annotations

from common.errors import NotFound
from common.models import Role
from common.schemas import FeedbackBody
from common.tokens import TokenKeys
from common.unit_of_work import UnitOfWorkFactory


def rate_answer(
    *,
    uow: UnitOfWorkFactory,
    keys: TokenKeys,
    conversation_token: str | None,
    body: FeedbackBody,
) -> None:
    """Store the rating (replacing an earlier one). Only answers of the conversation the token
    opens can be rated; anything else is answered as if it did not exist."""
    with uow() as tx:
        keys.require(tx.conversations.get(body.conversation_id), conversation_token)
        message = tx.conversations.get_message(body.message_id)
        if (
            message is None
            or message.conversation_id != body.conversation_id
            or message.role != Role.ASSISTANT
        ):
            raise NotFound("no such answer in this conversation", code="message_not_found")
        tx.feedback.put(
            message_id=body.message_id,
            conversation_id=body.conversation_id,
            rating=body.rating,
            comment=body.comment or None,
        )
