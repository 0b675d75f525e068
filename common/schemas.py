"""Request bodies, validated with pydantic at the edge."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr


class ChatBody(BaseModel):
    """``POST /chat_stream``."""

    model_config = ConfigDict(extra="forbid")

    message: StrictStr
    conversation_id: uuid.UUID | None = None
    client_message_id: StrictStr | None = Field(
        default=None, min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:\-]+$"
    )


KNOWLEDGE_KEY_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"


class KnowledgeBody(BaseModel):
    """``PUT /policies/<key>``: a policy or an FAQ entry (the title is the question)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: StrictStr = Field(min_length=1, max_length=200)
    content: StrictStr = Field(min_length=1, max_length=5000)
    kind: Literal["policy", "faq"] = "policy"
