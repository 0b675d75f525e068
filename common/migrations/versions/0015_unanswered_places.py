"""unanswered places: the unanswered list also holds answers that say a place is not mentioned

"Do you ship to Canada?" was answered with where the shop ships and "Our help pages don't
mention “Canada”" (in the shopper's language), but never reached the console's list of questions
the assistant could not answer, which is where staff look for what their pages leave out. The
partial index is rebuilt with the predicate the console now queries
(common.repositories.console.UNANSWERED_PATTERN).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 18:00:00
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Kept identical to common.repositories.console (_UNANSWERED); a migration keeps its own copy.
FINISHED = "status <> 'streaming'"
PREVIOUS = (
    "i (could ?n.t|can ?n.t|cannot|was unable to|am unable to) find|i.m unable to find|not covered"
    "|n.t have (any )?information|no information|nichts gefunden|keine informationen|rien trouv"
    "|pas d.informations?|no he encontrado|no tengo informaci|non ho trovato|non ho informazioni"
    "|niets gevonden|vond ik niets|geen informatie"
)
PATTERN = (
    PREVIOUS + "|help pages don.t mention|hilfeseiten nicht erw|pages d.aide ne mentionnent"
    "|ayuda no mencionan|aiuto non menzionano|hulppagina.s noemen"
)


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
