"""staff console: staff, knowledge revisions, feedback, and the console's indexes

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Kept identical to common.repositories.console.UNANSWERED_PATTERN: the planner uses the
# partial index only when the query repeats its predicate.
UNANSWERED_PREDICATE = (
    "role = 'assistant' AND content ~* "
    "'(could ?n.t|can ?n.t|unable to) find|not covered|n.t have (any )?information|no information'"
)


def upgrade() -> None:
    op.create_table('staff',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('token_hash', sa.LargeBinary(length=32), nullable=True),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('viewer', 'editor', 'owner')", name='ck_staff_role'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email'),
    sa.UniqueConstraint('token_hash'),
    )
    op.create_table('knowledge_revisions',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('changed_by', sa.String(length=200), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key', 'revision', name='uq_knowledge_revisions_key_revision'),
    )
    op.create_table('feedback',
    sa.Column('message_id', sa.Uuid(), nullable=False),
    sa.Column('conversation_id', sa.Uuid(), nullable=False),
    sa.Column('rating', sa.String(length=4), nullable=False),
    sa.Column('comment', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("rating IN ('up', 'down')", name='ck_feedback_rating'),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('message_id'),
    )
    op.create_index('ix_feedback_conversation_id', 'feedback', ['conversation_id'])
    op.create_index('ix_feedback_created_at', 'feedback', ['created_at'])
    # The console's conversation list: newest first, keyset-paginated on (created_at, id).
    op.create_index('ix_conversations_created_at_id', 'conversations', ['created_at', 'id'])
    # Analytics windows and charts read messages by time.
    op.create_index('ix_messages_created_at', 'messages', ['created_at'])
    # Full-text search over messages.
    op.execute(
        "CREATE INDEX ix_messages_content_fts ON messages "
        "USING gin (to_tsvector('english'::regconfig, content))"
    )
    # Answers that say the shop's knowledge does not cover a question.
    op.execute(f"CREATE INDEX ix_messages_unanswered ON messages (created_at) WHERE {UNANSWERED_PREDICATE}")


def downgrade() -> None:
    op.drop_index('ix_messages_unanswered', table_name='messages')
    op.drop_index('ix_messages_content_fts', table_name='messages')
    op.drop_index('ix_messages_created_at', table_name='messages')
    op.drop_index('ix_conversations_created_at_id', table_name='conversations')
    op.drop_index('ix_feedback_created_at', table_name='feedback')
    op.drop_index('ix_feedback_conversation_id', table_name='feedback')
    op.drop_table('feedback')
    op.drop_table('knowledge_revisions')
    op.drop_table('staff')
