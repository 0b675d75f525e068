"""usage ledger cost

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 03:35:38.669378
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('messages', sa.Column('cost_usd', sa.Numeric(precision=14, scale=8, asdecimal=False), nullable=True))


def downgrade() -> None:
    op.drop_column('messages', 'cost_usd')
