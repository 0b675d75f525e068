"""answer leases: a streaming answer's writer renews a lease; an expired one has lost its writer

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('messages', sa.Column('lease_expires_at', sa.DateTime(timezone=True), nullable=True))
    # The sweep and every reader look only at streaming rows: keep that index small.
    op.create_index(
        'ix_messages_streaming_lease',
        'messages',
        ['lease_expires_at'],
        unique=False,
        postgresql_where=sa.text("status = 'streaming'"),
    )
    # Rows written before leases existed: give them one lease from their last checkpoint.
    op.execute(
        "UPDATE messages SET lease_expires_at = updated_at + interval '60 seconds' WHERE status = 'streaming'"
    )


def downgrade() -> None:
    op.drop_index('ix_messages_streaming_lease', table_name='messages', postgresql_where=sa.text("status = 'streaming'"))
    op.drop_column('messages', 'lease_expires_at')
