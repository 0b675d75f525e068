"""Tables, as SQLAlchemy 2 typed models. The schema itself is owned by Alembic."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dt.datetime: sa.DateTime(timezone=True)}  # noqa: RUF012 (SQLAlchemy reads it)


class Role(enum.StrEnum):
    USER = "user"
    ASSISTANT = "assistant"
    AGENT = "agent"  # a member of staff, writing in the chat (``author`` names them)


class MessageStatus(enum.StrEnum):
    STREAMING = "streaming"
    COMPLETE = "complete"
    INTERRUPTED = "interrupted"
    FAILED = "failed"
    BLOCKED = "blocked"


class Conversation(Base):
    __tablename__ = "conversations"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    # HMAC-SHA256 of the conversation token: the token itself is never stored.
    token_hash: Mapped[bytes] = mapped_column(sa.LargeBinary(32))
    # Messages get consecutive positions; the counter lives on the (locked) parent row.
    message_count: Mapped[int] = mapped_column(default=0)
    summary: Mapped[str | None] = mapped_column(sa.Text)
    summary_through_position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ErasedConversation(Base):
    """The id of a conversation staff erased: a page still holding it cannot bring it back."""

    __tablename__ = "erased_conversations"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    erased_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        sa.UniqueConstraint("conversation_id", "position", name="uq_messages_position"),
        sa.UniqueConstraint("conversation_id", "client_message_id", name="uq_messages_client_id"),
        sa.CheckConstraint("role IN ('user', 'assistant', 'agent')", name="ck_messages_role"),
        sa.CheckConstraint(
            "status IN ('streaming', 'complete', 'interrupted', 'failed', 'blocked')",
            name="ck_messages_status",
        ),
        sa.Index(
            "ix_messages_streaming_lease",
            "lease_expires_at",
            postgresql_where=sa.text("status = 'streaming'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    conversation_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("conversations.id", ondelete="CASCADE"))
    position: Mapped[int]
    role: Mapped[str] = mapped_column(sa.String(16))
    content: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(16))
    client_message_id: Mapped[str | None] = mapped_column(sa.String(128))
    # For an assistant message: the user message it answers.
    reply_to_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("messages.id"), index=True)
    finish_reason: Mapped[str | None] = mapped_column(sa.String(32))
    error_code: Mapped[str | None] = mapped_column(sa.String(64))
    # Where the text came from: "model", "knowledge" (no model), or "fallback" (the knowledge
    # base, because the model failed before its first token; error_code says why).
    source: Mapped[str | None] = mapped_column(sa.String(16))
    model: Mapped[str | None] = mapped_column(sa.String(128))
    input_tokens: Mapped[int | None]
    output_tokens: Mapped[int | None]
    # Estimated from the token counts and the price table at the time of the answer.
    cost_usd: Mapped[float | None] = mapped_column(sa.Numeric(14, 8, asdecimal=False))
    time_to_first_token_ms: Mapped[int | None]
    duration_ms: Mapped[int | None]
    knowledge_version: Mapped[int | None]
    # The knowledge entries an answer from the knowledge base quotes: [{"key", "title"}].
    sources: Mapped[list[dict[str, str]] | None] = mapped_column(postgresql.JSONB)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    completed_at: Mapped[dt.datetime | None]
    # While ``streaming``: the writer's liveness lease (renewed every few seconds). Past it,
    # the writer is taken for dead and the row is resolved as ``interrupted``.
    lease_expires_at: Mapped[dt.datetime | None]
    # For a staff reply (role "agent"): the staff member's display name.
    author: Mapped[str | None] = mapped_column(sa.String(100))


class KnowledgeRecord(Base):
    """A policy or FAQ entry the shop wrote."""

    __tablename__ = "knowledge_entries"
    __table_args__ = (sa.CheckConstraint("kind IN ('policy', 'faq')", name="ck_knowledge_kind"),)

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    content: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[str] = mapped_column(sa.String(16))
    # The entry's embedding (float32, little-endian) for hybrid retrieval, and the model that
    # made it; NULL when none was computed yet (no model key, or the embed call failed).
    embedding: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    embedding_model: Mapped[str | None] = mapped_column(sa.String(128))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class KnowledgeState(Base):
    """One row: the knowledge version, bumped in the same transaction as every edit."""

    __tablename__ = "knowledge_state"
    __table_args__ = (sa.CheckConstraint("id = 1", name="ck_knowledge_state_single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class RateLimitWindow(Base):
    """A fixed rate-limit window: hits counted under a key until it expires."""

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    hits: Mapped[int]
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)


class StaffRole(enum.StrEnum):
    """What a staff member may do; each role includes the ones before it."""

    VIEWER = "viewer"  # reads conversations, analytics and the knowledge
    EDITOR = "editor"  # also changes the knowledge and deletes conversations
    OWNER = "owner"  # also manages staff and runs retention


class StaffMember(Base):
    """A named person (or service account) who signs in to the console."""

    __tablename__ = "staff"
    __table_args__ = (sa.CheckConstraint("role IN ('viewer', 'editor', 'owner')", name="ck_staff_role"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(sa.String(100))
    # Lower-cased; the identity Cloud IAP vouches for.
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    role: Mapped[str] = mapped_column(sa.String(16))
    # SHA-256 of the bearer token: the token is shown once and never stored.
    token_hash: Mapped[bytes | None] = mapped_column(sa.LargeBinary(32), unique=True)
    created_by: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None]


class KnowledgeRevision(Base):
    """One change of a knowledge entry; the newest revision of a key is its current state."""

    __tablename__ = "knowledge_revisions"
    __table_args__ = (sa.UniqueConstraint("key", "revision", name="uq_knowledge_revisions_key_revision"),)

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(sa.String(64))
    revision: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    content: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[str] = mapped_column(sa.String(16))
    deleted: Mapped[bool] = mapped_column(default=False)
    changed_by: Mapped[str] = mapped_column(sa.String(200))
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The revision a restore brought back (None: an edit, a creation or a deletion).
    restored_from: Mapped[int | None] = mapped_column(default=None)


class Feedback(Base):
    """A shopper's rating of one answer; sending again replaces it."""

    __tablename__ = "feedback"
    __table_args__ = (sa.CheckConstraint("rating IN ('up', 'down')", name="ck_feedback_rating"),)

    message_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    rating: Mapped[str] = mapped_column(sa.String(4))
    comment: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class HandoffStatus(enum.StrEnum):
    """Who answers a conversation that was handed to a person."""

    WAITING = "waiting_for_human"  # asked for a person; nobody claimed it yet
    WITH_HUMAN = "with_human"  # a member of staff claimed it
    RESOLVED = "resolved"  # staff closed it; the assistant answers again
    ASSISTANT = "assistant"  # handed back to the assistant


class Handoff(Base):
    """The handoff state of one conversation (no row: the assistant answers)."""

    __tablename__ = "handoffs"

    conversation_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(sa.String(24))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    note: Mapped[str | None] = mapped_column(sa.String(1000))
    language: Mapped[str | None] = mapped_column(sa.String(8))
    requested_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(sa.String(200))  # the name shown
    # Who holds the claim (None: the bootstrap ADMIN_TOKEN, or a claim from before 0010).
    claimed_by_staff_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("staff.id", ondelete="SET NULL")
    )
    claimed_at: Mapped[dt.datetime | None]
    # When a page last followed the conversation's events: a reply written while nobody
    # follows goes out by email too (if the shopper left one).
    shopper_seen_at: Mapped[dt.datetime | None]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def open(self) -> bool:
        return self.status in (HandoffStatus.WAITING, HandoffStatus.WITH_HUMAN)


class ConversationEvent(Base):
    """Something a shopper's page follows (``GET /history/events``): a staff reply or a status."""

    __tablename__ = "conversation_events"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    conversation_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("conversations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(16))
    data: Mapped[dict[str, object]] = mapped_column(postgresql.JSONB)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class OutboxEvent(Base):
    """A webhook notification, written in the same transaction as the change it reports."""

    __tablename__ = "outbox"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(sa.String(32))
    payload: Mapped[dict[str, object]] = mapped_column(postgresql.JSONB)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
