"""Reading a conversation back, a page at a time."""

from __future__ import annotations

import uuid

from common.models import Message
from common.responses import HistoryPage, MessageUsage, MessageView
from common.tokens import TokenKeys
from common.unit_of_work import UnitOfWorkFactory


def conversation_page(
    *,
    uow: UnitOfWorkFactory,
    keys: TokenKeys,
    conversation_id: uuid.UUID,
    conversation_token: str | None,
    limit: int,
    before_position: int | None = None,
) -> HistoryPage:
    """The newest ``limit`` messages before ``before_position``, oldest first.

    Answers in the conversation whose lease expired are resolved first. A wrong or missing
    token is answered exactly like an unknown conversation.
    """
    with uow() as tx:
        keys.require(tx.conversations.get(conversation_id), conversation_token)
        # An answer whose writer died shows as interrupted with its saved text, not as "streaming".
        tx.conversations.expire_leases(conversation_id=conversation_id)
        # One extra row tells whether an older page exists.
        rows = tx.conversations.messages_before(
            conversation_id, before_position=before_position, limit=limit + 1
        )
        handoff = tx.handoffs.get(conversation_id)
        # The page follows /history/events on from here: what it shows is not news again.
        last_event_id = tx.handoffs.newest_event_id(conversation_id)
    has_more = len(rows) > limit
    messages = rows[1:] if has_more else rows
    return HistoryPage(
        conversation_id=conversation_id,
        messages=[message_view(m) for m in messages],
        has_more=has_more,
        next_before=messages[0].position if has_more and messages else None,
        handoff_status=handoff.status if handoff is not None else None,
        last_event_id=last_event_id,
    )


def message_view(message: Message) -> MessageView:
    return MessageView.model_validate(
        {
            **{name: getattr(message, name) for name in MessageView.model_fields if hasattr(message, name)},
            "usage": MessageUsage(input_tokens=message.input_tokens, output_tokens=message.output_tokens),
            "sources": message.sources or [],
        }
    )
