"""Reading a conversation back, a page at a time."""

from __future__ import annotations

import uuid
from typing import Any

from common.db import UnitOfWork
from common.errors import NotFound
from common.models import Message
from common.repositories import ConversationRepository
from common.tokens import token_matches


def conversation_page(
    *,
    uow: UnitOfWork,
    conversation_id: uuid.UUID,
    conversation_token: str | None,
    token_secret: str | None,
    limit: int,
    before_position: int | None = None,
) -> dict[str, Any]:
    """The newest ``limit`` messages before ``before_position``, oldest first.

    A wrong or missing token is answered exactly like an unknown conversation.
    """
    with uow() as session:
        repo = ConversationRepository(session)
        conversation = repo.get(conversation_id)
        if conversation is None or not token_matches(
            conversation_token, conversation.token_hash, token_secret
        ):
            raise NotFound("conversation not found", code="conversation_not_found")
        # One extra row tells whether an older page exists.
        rows = repo.messages_before(conversation_id, before_position=before_position, limit=limit + 1)
    has_more = len(rows) > limit
    messages = rows[1:] if has_more else rows
    return {
        "conversation_id": str(conversation_id),
        "messages": [message_view(m) for m in messages],
        "has_more": has_more,
        "next_before": messages[0].position if has_more and messages else None,
    }


def message_view(message: Message) -> dict[str, Any]:
    return {
        "id": str(message.id),
        "role": message.role,
        "content": message.content,
        "status": message.status,
        "position": message.position,
        "created_at": message.created_at.isoformat(),
        "completed_at": message.completed_at.isoformat() if message.completed_at else None,
        "client_message_id": message.client_message_id,
        "reply_to_id": str(message.reply_to_id) if message.reply_to_id else None,
        "finish_reason": message.finish_reason,
        "error_code": message.error_code,
        "source": message.source,
        "model": message.model,
        "usage": {"input_tokens": message.input_tokens, "output_tokens": message.output_tokens},
        "time_to_first_token_ms": message.time_to_first_token_ms,
        "duration_ms": message.duration_ms,
        "knowledge_version": message.knowledge_version,
    }
