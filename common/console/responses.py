"""Response bodies of the staff console (on ``policies``), as typed models. ``openapi.yaml``
describes each under the same name (tests/contract/test_console_schemas.py compares them)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from pydantic import BaseModel

from common.llm import AnswerSource
from common.responses import HandoffStatusName, MessageView, SourceRef, TimeWindow

StaffRoleName = Literal["viewer", "editor", "owner"]


class WhoAmI(BaseModel):
    """``GET /policies/_me``: who is signed in, and how."""

    id: uuid.UUID | None  # the staff member's; None for ADMIN_TOKEN
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
    restored_from: int | None  # the revision a restore brought back


class DeletedEntry(BaseModel):
    """A deleted entry as it was, and the revision that deleted it (restore the one before)."""

    key: str
    title: str
    kind: Literal["policy", "faq"]
    revision: int
    deleted_by: str
    deleted_at: dt.datetime


class DeletedEntries(BaseModel):
    """``GET /policies/_deleted``: entries deleted now, the latest deletion first."""

    entries: list[DeletedEntry]


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
    """``GET /policies/_conversations``: the most recently active first; pass ``cursor=<next_cursor>``
    for more."""

    conversations: list[ConversationSummary]
    next_cursor: str | None


class AnswerFeedback(BaseModel):
    rating: Literal["up", "down"]
    comment: str | None
    updated_at: dt.datetime


class TranscriptMessage(MessageView):
    cost_usd: float | None
    feedback: AnswerFeedback | None


class HandoffStep(BaseModel):
    """A change of who answers: asked for a person, claimed (``author``: by whom), resolved or
    handed back (``author``: by whom; none for changes recorded before it was kept)."""

    status: HandoffStatusName
    author: str | None
    at: dt.datetime


class Transcript(BaseModel):
    """``GET /policies/_conversations/<id>``: every message with its answer details, and when
    a person was asked for, took the conversation and left it."""

    conversation_id: uuid.UUID
    created_at: dt.datetime
    messages: list[TranscriptMessage]
    handoff_steps: list[HandoffStep]


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
    """Questions of similar wording that were not answered (or were rated down).
    ``after``: for a question of a few words ("How much?"), the shopper's question it followed
    up. ``answered_by``: the entries, changed since the question was last asked, that answer it
    now (empty: still open)."""

    question: str
    after: str | None
    count: int
    last_seen: dt.datetime
    examples: list[str]
    reasons: dict[str, int]
    answered_by: list[SourceRef]


class UnansweredList(BaseModel):
    """``GET /policies/_unanswered``: the most frequent first, the groups answered now last."""

    window: TimeWindow
    groups: list[UnansweredGroup]


class RetentionResult(BaseModel):
    """``POST /policies/_retention``: conversations inactive since ``cutoff`` were deleted."""

    cutoff: dt.datetime
    deleted_conversations: int


class HandoffView(BaseModel):
    """A conversation handed to a person: who has it, and what the shopper left."""

    conversation_id: uuid.UUID
    status: HandoffStatusName
    requested_at: dt.datetime
    language: str | None
    email: str | None
    note: str | None
    claimed_by: str | None
    claimed_by_id: uuid.UUID | None  # the member's staff id; None for ADMIN_TOKEN's claim
    claimed_at: dt.datetime | None


class InboxItem(HandoffView):
    waiting_seconds: int
    last_question: str


class Inbox(BaseModel):
    """``GET /policies/_inbox``: conversations waiting for (or with) a person, oldest first."""

    items: list[InboxItem]
