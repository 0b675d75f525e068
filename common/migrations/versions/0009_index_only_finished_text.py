"""index only finished text: the full-text and unanswered indexes skip streaming answers

An answer's text is saved while it streams, up to once per chunk (STREAM_DURABILITY=saved).
With the full-text index over every row, each of those saves computed the whole text's
tsvector and updated the GIN index: about 3 ms of database time per row, 44 ms for a pass of
13 answers. Search and the unanswered list only read finished answers anyway.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 10:00:00
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Kept identical to common.repositories.console (_FINISHED and _UNANSWERED): the planner uses
# a partial index only when the query repeats its predicate.
FINISHED = "status <> 'streaming'"
UNANSWERED = (
    "role = 'assistant' AND content ~* "
    "'(could ?n.t|can ?n.t|unable to) find|not covered|n.t have (any )?information|no information'"
)


def upgrade() -> None:
    op.drop_index('ix_messages_content_fts', table_name='messages')
    op.execute(
        "CREATE INDEX ix_messages_content_fts ON messages "
        f"USING gin (to_tsvector('english'::regconfig, content)) WHERE {FINISHED}"
    )
    op.drop_index('ix_messages_unanswered', table_name='messages')
    op.execute(f"CREATE INDEX ix_messages_unanswered ON messages (created_at) WHERE {FINISHED} AND {UNANSWERED}")


def downgrade() -> None:
    op.drop_index('ix_messages_unanswered', table_name='messages')
    op.execute(f"CREATE INDEX ix_messages_unanswered ON messages (created_at) WHERE {UNANSWERED}")
    op.drop_index('ix_messages_content_fts', table_name='messages')
    op.execute(
        "CREATE INDEX ix_messages_content_fts ON messages "
        "USING gin (to_tsvector('english'::regconfig, content))"
    )
