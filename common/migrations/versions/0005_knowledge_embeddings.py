"""knowledge embeddings and answer sources

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 05:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # NULL embedding: not computed yet (no model key, or the embed call failed); filled lazily.
    op.add_column('knowledge_entries', sa.Column('embedding', sa.LargeBinary(), nullable=True))
    op.add_column('knowledge_entries', sa.Column('embedding_model', sa.String(length=128), nullable=True))
    op.add_column('messages', sa.Column('sources', postgresql.JSONB(astext_type=sa.Text()), nullable=True))


def downgrade() -> None:
    op.drop_column('messages', 'sources')
    op.drop_column('knowledge_entries', 'embedding_model')
    op.drop_column('knowledge_entries', 'embedding')
