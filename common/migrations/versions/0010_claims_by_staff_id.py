"""claims by staff id: a handoff's claim names the member of staff who holds it

A claim was matched by display name, which is not unique: a second member called "Ed" (or a
member called "admin") could act on someone else's claim, and a claim by a member who was
then revoked blocked everyone. The holder's staff id is kept beside the name shown; the
bootstrap ADMIN_TOKEN, which has no row, claims with none.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('handoffs', sa.Column('claimed_by_staff_id', sa.Uuid(), nullable=True))
    op.create_foreign_key(
        'handoffs_claimed_by_staff_id_fkey',
        'handoffs',
        'staff',
        ['claimed_by_staff_id'],
        ['id'],
        ondelete='SET NULL',
    )


def downgrade() -> None:
    op.drop_constraint('handoffs_claimed_by_staff_id_fkey', 'handoffs', type_='foreignkey')
    op.drop_column('handoffs', 'claimed_by_staff_id')
