"""conversations by last activity: the console lists the conversation that moved last first

The console listed conversations by when they started, so one that had just got a new message
(from the shopper or from staff) stayed wherever it had started, pages down. The list is now
ordered by ``updated_at`` (bumped by every turn and every staff reply), with the same keyset
pagination; this index serves it, and the retention job's ``updated_at < cutoff``.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 21:30:00
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_conversations_updated_at_id', 'conversations', ['updated_at', 'id'])


def downgrade() -> None:
    op.drop_index('ix_conversations_updated_at_id', table_name='conversations')
