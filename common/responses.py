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


class ErrorBody(BaseModel):
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


class DoneData(BaseModel):
    """``event: done``."""

    assistant_message_id: uuid.UUID
    finish_reason: str
    usage: DoneUsage


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
    role: Literal["user", "assistant"]
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


class HistoryPage(BaseModel):
    conversation_id: uuid.UUID
    messages: list[MessageView]
    has_more: bool
    next_before: int | None


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


# The staff console (``policies``).

StaffRoleName = Literal["viewer", "editor", "owner"]


class WhoAmI(BaseModel):
    """``GET /policies/_me``: who is signed in, and how."""

    name: str
    role: StaffRoleName
    email: str | None
    via: Literal["admin_token", "token", "iap"]


class StaffView(BaseModel):
    id: uuid.UUID
    name: str
    email: str | None
    role: StaffRoleName
    created_by: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


class StaffList(BaseModel):
    staff: list[StaffView]


class StaffCreated(BaseModel):
    """The new member and their bearer token, shown this once and never again."""

    staff: StaffView
    token: str


class KnowledgeRevisionView(BaseModel):
    revision: int
    title: str
    content: str
    kind: Literal["policy", "faq"]
    deleted: bool
    changed_by: str
    changed_at: dt.datetime


class KnowledgeRevisions(BaseModel):
    """``GET /policies/<key>/revisions``: newest first."""

    key: str
    revisions: list[KnowledgeRevisionView]


class PreviewAnswer(BaseModel):
    """``POST /policies/_preview``: how a question would be answered with a draft (not saved)."""

    answer: str
    source: AnswerSource
    model: str


class ConversationSummary(BaseModel):
    id: uuid.UUID
    created_at: dt.datetime
    updated_at: dt.datetime
    message_count: int
    first_question: str | None
    last_status: str | None
    last_source: str | None
    thumbs_up: int
    thumbs_down: int


class ConversationList(BaseModel):
    """``GET /policies/_conversations``: newest first; pass ``cursor=<next_cursor>`` for more."""

    conversations: list[ConversationSummary]
    next_cursor: str | None


class AnswerFeedback(BaseModel):
    rating: Literal["up", "down"]
    comment: str | None
    updated_at: dt.datetime


class TranscriptMessage(MessageView):
    cost_usd: float | None
    feedback: AnswerFeedback | None


class Transcript(BaseModel):
    """``GET /policies/_conversations/<id>``: every message with its answer details."""

    conversation_id: uuid.UUID
    created_at: dt.datetime
    messages: list[TranscriptMessage]


class ConversationDeleted(BaseModel):
    deleted: uuid.UUID


class SeriesPoint(BaseModel):
    start: dt.datetime
    conversations: int
    questions: int
    answers: int
    ttft_p50_ms: float | None
    ttft_p95_ms: float | None
    error_rate: float
    fallback_rate: float
    input_tokens: int
    output_tokens: int
    cost_usd: float
    thumbs_up: int
    thumbs_down: int


class Satisfaction(BaseModel):
    thumbs_up: int
    thumbs_down: int
    comments: int
    share_up: float | None


class AnalyticsSeries(BaseModel):
    """``GET /policies/_analytics/series``: the console's charts, one point per bucket."""

    window: TimeWindow
    bucket_seconds: int
    points: list[SeriesPoint]
    satisfaction: Satisfaction


class FeedbackItem(BaseModel):
    message_id: uuid.UUID
    conversation_id: uuid.UUID
    rating: Literal["up", "down"]
    comment: str | None
    updated_at: dt.datetime
    question: str | None
    answer: str


class FeedbackList(BaseModel):
    """``GET /policies/_feedback``: the newest ratings first."""

    feedback: list[FeedbackItem]


class UnansweredGroup(BaseModel):
    """Questions of similar wording that were not answered (or were rated down)."""

    question: str
    count: int
    last_seen: dt.datetime
    examples: list[str]
    reasons: dict[str, int]


class UnansweredList(BaseModel):
    """``GET /policies/_unanswered``: the most frequent first."""

    window: TimeWindow
    groups: list[UnansweredGroup]


class RetentionResult(BaseModel):
    """``POST /policies/_retention``: conversations inactive since ``cutoff`` were deleted."""

    cutoff: dt.datetime
    deleted_conversations: int
