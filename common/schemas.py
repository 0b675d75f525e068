"""Request bodies, validated with pydantic at the edge."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictStr


def _no_nul(value: str) -> str:
    # Postgres text cannot hold NUL; refuse it here rather than fail at the database.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Text = Annotated[StrictStr, AfterValidator(_no_nul)]


class ChatBody(BaseModel):
    """``POST /chat_stream``."""

    model_config = ConfigDict(extra="forbid")

    message: Text
    conversation_id: uuid.UUID | None = None
    client_message_id: StrictStr | None = Field(
        default=None, min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:\-]+$"
    )


KNOWLEDGE_KEY_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"


class KnowledgeBody(BaseModel):
    """``PUT /policies/<key>``: a policy or an FAQ entry (the title is the question)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: Text = Field(min_length=1, max_length=200)
    content: Text = Field(min_length=1, max_length=5000)
    kind: Literal["policy", "faq"] = "policy"
