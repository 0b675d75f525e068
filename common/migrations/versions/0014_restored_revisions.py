"""restored revisions: a restore says which revision it brought back

The console's history read a restore as an ordinary change ("changed by Ann"); staff could not
tell a rollback from an edit that happened to match an old text.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 13:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('knowledge_revisions', sa.Column('restored_from', sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column('knowledge_revisions', 'restored_from')
