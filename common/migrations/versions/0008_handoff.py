"""handoff: staff replies in the chat (role 'agent', author), the handoff state of a
conversation, the events a shopper's page follows, and the webhook outbox

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_constraint('ck_messages_role', 'messages', type_='check')
    op.create_check_constraint('ck_messages_role', 'messages', "role IN ('user', 'assistant', 'agent')")
    op.add_column('messages', sa.Column('author', sa.String(length=100), nullable=True))
    op.create_table('handoffs',
    sa.Column('conversation_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('note', sa.String(length=1000), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_by', sa.String(length=200), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('shopper_seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(
        "status IN ('waiting_for_human', 'with_human', 'resolved', 'assistant')", name='ck_handoffs_status'
    ),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('conversation_id'),
    )
    # The inbox: open handoffs, oldest first.
    op.execute(
        "CREATE INDEX ix_handoffs_open ON handoffs (requested_at) "
        "WHERE status IN ('waiting_for_human', 'with_human')"
    )
    op.create_table('conversation_events',
    sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False),
    sa.Column('conversation_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('data', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('message', 'status')", name='ck_conversation_events_kind'),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_conversation_events_conversation_id_id', 'conversation_events', ['conversation_id', 'id'])
    op.create_table('outbox',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('payload', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    )
    op.execute("CREATE INDEX ix_outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL")


def downgrade() -> None:
    op.drop_index('ix_outbox_due', table_name='outbox')
    op.drop_table('outbox')
    op.drop_index('ix_conversation_events_conversation_id_id', table_name='conversation_events')
    op.drop_table('conversation_events')
    op.drop_index('ix_handoffs_open', table_name='handoffs')
    op.drop_table('handoffs')
    op.execute("DELETE FROM messages WHERE role = 'agent'")
    op.drop_column('messages', 'author')
    op.drop_constraint('ck_messages_role', 'messages', type_='check')
    op.create_check_constraint('ck_messages_role', 'messages', "role IN ('user', 'assistant')")
