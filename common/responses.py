"""Response bodies, as typed models. ``openapi.yaml`` is checked against them (tests/contract)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from pydantic import BaseModel, Field

from common.llm import AnswerSource


class ErrorDetail(BaseModel):
    code: str
    message: str


class Error(BaseModel):
    """Every error answered before a stream starts (and every error of the JSON functions)."""

    error: ErrorDetail


class MetaData(BaseModel):
    """``event: meta``: the first event of a new turn."""

    answer_source: AnswerSource
    conversation_id: uuid.UUID
    conversation_token: str
    user_message_id: uuid.UUID
    assistant_message_id: uuid.UUID


class DeltaData(BaseModel):
    """``event: delta``: the next piece of the answer."""

    text: str


class DoneUsage(BaseModel):
    input_tokens: int = Field(ge=0)
    output_tokens: int = Field(ge=0)


class SourceRef(BaseModel):
    """A knowledge entry an answer was taken from."""

    key: str
    title: str


class DoneData(BaseModel):
    """``event: done``. ``sources``: the knowledge entries an answer from the knowledge base quotes."""

    assistant_message_id: uuid.UUID
    finish_reason: str
    usage: DoneUsage
    sources: list[SourceRef] = Field(default_factory=list)


class StreamErrorData(BaseModel):
    """``event: error``: the stream ends without an answer (or with a partial one)."""

    code: str
    message: str
    retryable: bool


class MessageUsage(BaseModel):
    input_tokens: int | None
    output_tokens: int | None


class MessageView(BaseModel):
    """A stored message, as ``history`` returns it."""

    id: uuid.UUID
    role: Literal["user", "assistant", "agent"]
    content: str
    status: Literal["streaming", "complete", "interrupted", "failed", "blocked"]
    position: int
    created_at: dt.datetime
    completed_at: dt.datetime | None
    client_message_id: str | None
    reply_to_id: uuid.UUID | None
    finish_reason: str | None
    error_code: str | None
    source: str | None
    model: str | None
    usage: MessageUsage
    time_to_first_token_ms: int | None
    duration_ms: int | None
    knowledge_version: int | None
    sources: list[SourceRef] = Field(default_factory=list)
    # A staff reply (role "agent"): the staff member's display name.
    author: str | None = None


HandoffStatusName = Literal["waiting_for_human", "with_human", "resolved", "assistant"]


class HistoryPage(BaseModel):
    conversation_id: uuid.UUID
    messages: list[MessageView]
    has_more: bool
    next_before: int | None
    # Who answers: null (never handed off) or the handoff's status.
    handoff_status: HandoffStatusName | None = None
    # The newest event of the conversation as read: ``Last-Event-ID`` for /history/events.
    last_event_id: int = 0


class HandoffAccepted(BaseModel):
    """``POST /history/handoff`` (202): the conversation waits for a person.

    ``message`` says what happens next (someone replies here, or when the team is back)."""

    conversation_id: uuid.UUID
    status: HandoffStatusName
    support_open: bool
    message: str


class StatusEventData(BaseModel):
    """``event: status`` on ``GET /history/events``: who answers the conversation now
    (``author``: who took it, or who resolved it or handed it back)."""

    status: HandoffStatusName
    author: str | None = None


class KnowledgeEntry(BaseModel):
    key: str
    title: str
    content: str
    kind: Literal["policy", "faq"]
    created_at: dt.datetime
    updated_at: dt.datetime


class KnowledgeEntryWritten(KnowledgeEntry):
    version: int
    revision: int


class KnowledgeList(BaseModel):
    version: int
    entries: list[KnowledgeEntry]


class KnowledgeDeleted(BaseModel):
    deleted: str
    version: int


class Suggestion(BaseModel):
    key: str
    question: str


class Suggestions(BaseModel):
    """``GET /history/suggestions``: how answers are made, and questions to start with."""

    mode: AnswerSource
    suggestions: list[Suggestion]


class TimeWindow(BaseModel):
    since: dt.datetime
    until: dt.datetime


class MessageCounts(BaseModel):
    questions: int
    answers: int


class TokenCounts(BaseModel):
    input: int
    output: int


class Percentiles(BaseModel):
    p50: float | None
    p95: float | None


class ModelUsage(BaseModel):
    model: str
    answers: int
    input_tokens: int
    output_tokens: int
    cost_usd: float


class UsageSummary(BaseModel):
    """``GET /policies/_analytics``."""

    window: TimeWindow
    conversations: int
    messages: MessageCounts
    tokens: TokenCounts
    cost_usd: float
    time_to_first_token_ms: Percentiles
    answers_by_status: dict[str, int]
    rates: dict[str, float]
    by_model: list[ModelUsage]
