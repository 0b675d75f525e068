"""unanswered in every language: the partial index follows the list's new predicate

The list of questions the assistant could not answer matched English only, so a German or
French shopper's unanswered question never reached it; and "cannot find" matched a shop's own
text quoted in an answer ("if you cannot find it, contact support"). The index is rebuilt
with the predicate the console now queries (common.repositories.console.UNANSWERED_PATTERN).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 18:00:00
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Kept identical to common.repositories.console (_UNANSWERED): the planner uses a partial
# index only when the query repeats its predicate. A migration keeps its own copy: it must
# build the same index whatever the code says later.
FINISHED = "status <> 'streaming'"
PATTERN = (
    "i (could ?n.t|can ?n.t|cannot|was unable to|am unable to) find|i.m unable to find|not covered"
    "|n.t have (any )?information|no information|nichts gefunden|keine informationen|rien trouv"
    "|pas d.informations?|no he encontrado|no tengo informaci|non ho trovato|non ho informazioni"
    "|niets gevonden|vond ik niets|geen informatie"
)
PREVIOUS = "(could ?n.t|can ?n.t|unable to) find|not covered|n.t have (any )?information|no information"


def _index(pattern: str) -> None:
    op.drop_index('ix_messages_unanswered', table_name='messages')
    op.execute(
        "CREATE INDEX ix_messages_unanswered ON messages (created_at) "
        f"WHERE {FINISHED} AND role = 'assistant' AND content ~* '{pattern}'"
    )


def upgrade() -> None:
    _index(PATTERN)


def downgrade() -> None:
    _index(PREVIOUS)
