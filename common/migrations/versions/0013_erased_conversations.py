"""erased conversations: a page still holding an erased conversation's id cannot bring it back

Staff erase a conversation (a shopper's erasure request) while the shopper's page is open; the
page's next message proposed the same id and token, and the server created the conversation
again under them. Erased ids are kept here, and a proposed id found here answers 404.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 01:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'erased_conversations',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('erased_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade() -> None:
    op.drop_table('erased_conversations')
