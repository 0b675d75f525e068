"""knowledge base

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 03:11:20.257083
"""

from collections.abc import Sequence

import datetime

import sqlalchemy as sa
from alembic import op

from common.knowledge import DEFAULT_ENTRIES


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('knowledge_entries',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('policy', 'faq')", name='ck_knowledge_kind'),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('knowledge_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('id = 1', name='ck_knowledge_state_single_row'),
    sa.PrimaryKeyConstraint('id')
    )
    # Seed a new shop with the built-in defaults, editable through the policies function.
    # (Later changes to the defaults reach new shops only; existing shops keep their edits.)
    now = datetime.datetime.now(datetime.UTC)
    entries = sa.table(
        'knowledge_entries',
        sa.column('key'), sa.column('title'), sa.column('content'), sa.column('kind'),
        sa.column('created_at'), sa.column('updated_at'),
    )
    op.bulk_insert(entries, [
        {'key': e.key, 'title': e.title, 'content': e.content, 'kind': e.kind, 'created_at': now, 'updated_at': now}
        for e in DEFAULT_ENTRIES
    ])
    state = sa.table('knowledge_state', sa.column('id'), sa.column('version'), sa.column('updated_at'))
    op.bulk_insert(state, [{'id': 1, 'version': 1, 'updated_at': now}])


def downgrade() -> None:
    op.drop_table('knowledge_state')
    op.drop_table('knowledge_entries')
