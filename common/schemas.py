"""Request bodies, validated with pydantic at the edge."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field, StrictStr


class ChatBody(BaseModel):
    """``POST /chat_stream``."""

    model_config = ConfigDict(extra="forbid")

    message: StrictStr
    conversation_id: uuid.UUID | None = None
    client_message_id: StrictStr | None = Field(
        default=None, min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:\-]+$"
    )
