"""Request bodies, validated with pydantic at the edge."""

from __future__ import annotations

import re
import unicodedata
import uuid
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictStr,
    field_validator,
)


def _no_nul(value: str) -> str:
    # Postgres text cannot hold NUL; refuse it here rather than fail at the database.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


# The hyphenated form openapi.yaml's ``format: uuid`` means; upper case is fine. Python's UUID
# would also take "urn:uuid:...", "{...}" and 32 bare hex digits.
CANONICAL_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _canonical_uuid(value: object) -> object:
    if isinstance(value, str) and not CANONICAL_UUID.fullmatch(value):
        raise ValueError("must be a UUID such as 0b7c9a52-8d1e-4a57-9c5e-3f0f7f4b8a11")
    return value


def _one_line(value: str) -> str:
    # A name or a title is shown on one line (a staff reply's author, an answer's sources).
    if any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in value):
        raise ValueError("must be one line, without control characters such as line breaks or tabs")
    return value


def is_blank(text: str) -> bool:
    """Nothing a reader sees: spaces, and invisible format characters ("\u200b", a zero-width
    space, which ``str.strip`` and JavaScript's ``trim`` keep)."""
    return all(c.isspace() or unicodedata.category(c) == "Cf" for c in text)


Uuid = Annotated[uuid.UUID, BeforeValidator(_canonical_uuid)]
Text = Annotated[StrictStr, AfterValidator(_no_nul)]
Line = Annotated[StrictStr, AfterValidator(_one_line)]
# Optional texts carry their limit inside the type: on the optional field pydantic would
# report "at most 500 items" rather than characters.
Comment = Annotated[StrictStr, Field(max_length=500), AfterValidator(_no_nul)]
Note = Annotated[StrictStr, Field(max_length=1000), AfterValidator(_no_nul)]


class ChatBody(BaseModel):
    """``POST /chat_stream``."""

    model_config = ConfigDict(extra="forbid")

    message: Text
    conversation_id: Uuid | None = None
    client_message_id: StrictStr | None = Field(
        default=None, min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:\-]+$"
    )


KNOWLEDGE_KEY_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"


class KnowledgeBody(BaseModel):
    """``PUT /policies/<key>``: a policy or an FAQ entry (the title is the question)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: Line = Field(min_length=1, max_length=200)
    content: Text = Field(min_length=1, max_length=5000)
    # None: the entry's kind as it is (a policy for a new entry).
    kind: Literal["policy", "faq"] | None = None


class FeedbackBody(BaseModel):
    """``POST /history/feedback``: a rating of one answer."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    conversation_id: Uuid
    message_id: Uuid
    rating: Literal["up", "down"]
    comment: Comment | None = None


# No spaces and no control characters (Postgres stores no NUL): name@domain.tld.
EMAIL_PATTERN = r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$"


class HandoffBody(BaseModel):
    """``POST /history/handoff``: ask for a person (``email``: where a reply may also go)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    conversation_id: Uuid
    email: StrictStr | None = Field(default=None, max_length=254, pattern=EMAIL_PATTERN)
    note: Note | None = None

    @field_validator("email", mode="before")
    @classmethod
    def _blank_email_is_none(cls, value: object) -> object:
        return None if value == "" else value


class ClaimBody(BaseModel):
    """``POST /policies/_inbox/<id>/claim`` (the body is optional)."""

    model_config = ConfigDict(extra="forbid")

    # An owner takes the conversation from the member who has it (or from ADMIN_TOKEN).
    take_over: bool = Field(default=False, strict=True)
    # With take_over: the claim the owner saw (its ``claimed_at``); another claim since is a 409.
    claimed_at: AwareDatetime | None = None


class ReplyBody(BaseModel):
    """``POST /policies/_inbox/<id>/reply``: a staff reply in the shopper's chat."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    content: Text = Field(min_length=1, max_length=4000)


class StaffBody(BaseModel):
    """``POST /policies/_staff``: a new member of staff (``email``: their Google account, for IAP)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Line = Field(min_length=1, max_length=100)
    role: Literal["viewer", "editor", "owner"]
    email: StrictStr | None = Field(default=None, max_length=254, pattern=EMAIL_PATTERN)


class StaffRoleBody(BaseModel):
    """``PATCH /policies/_staff/<id>``: the member's new role."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["viewer", "editor", "owner"]


class DraftBody(BaseModel):
    """An entry as the editor has it, not saved."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    key: StrictStr = Field(pattern=KNOWLEDGE_KEY_PATTERN)
    title: Line = Field(min_length=1, max_length=200)
    content: Text = Field(min_length=1, max_length=5000)
    kind: Literal["policy", "faq"] = "policy"


class PreviewBody(BaseModel):
    """``POST /policies/_preview``: a question answered with a draft in place of the stored entry."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    question: Text = Field(min_length=1, max_length=4000)  # as long as a shopper's message may be
    draft: DraftBody | None = None
