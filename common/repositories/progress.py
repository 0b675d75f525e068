"""The checkpoint writer's own connection: a pooled connection kept while the writer runs, in
autocommit without waiting for the disk (``synchronous_commit`` off), with its two statements
prepared once.

A pass of the writer is one round trip, about 0.05 ms of CPU; through a unit of work it was
about 0.5 ms (session, pre-ping, BEGIN and COMMIT). That matters because, showing only saved
text, the writer makes a pass for nearly every chunk of every answer.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy.engine import Engine

from common.chat.checkpoints import Tail
from common.errors import DatabaseUnavailable
from common.models import utcnow
from common.unit_of_work import database_outage

log = logging.getLogger(__name__)

# The text so far of every answer that moved since the last pass, in one statement: what an
# earlier pass saved (its first ``kept`` characters) plus the new tail. The answers travel as
# one JSON parameter: pg8000 escapes the elements of a text array character by character in
# Python, which cost more CPU than the rest of the pass.
SAVE_PROGRESS = """
    UPDATE messages AS m
    SET content = left(m.content, v.kept) || v.tail, updated_at = CAST(:saved_at AS timestamptz)
    FROM json_to_recordset(CAST(:answers AS json)) AS v(id uuid, kept int, tail text)
    WHERE m.id = v.id AND m.status = 'streaming'
"""
# The liveness lease of every answer this instance is still writing (common.chat.leases).
RENEW_LEASES = """
    UPDATE messages SET lease_expires_at = now() + make_interval(secs => CAST(:lease AS float8))
    WHERE id = ANY(CAST(:ids AS uuid[])) AND status = 'streaming'
"""


class ProgressConnection:
    """Used by one thread at a time (the checkpoint writer's)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._pooled: Any = None  # SQLAlchemy's pooled DBAPI connection
        self._statements: dict[str, Any] = {}

    def write(
        self, tails: Mapping[uuid.UUID, Tail], renew: Collection[uuid.UUID], lease_seconds: float
    ) -> None:
        """Save the answers' new text and renew the leases of ``renew``. Raises
        ``DatabaseUnavailable`` when the database cannot be reached (the connection is dropped;
        the next call opens one)."""
        try:
            if tails:
                answers = [{"id": str(i), "kept": kept, "tail": text} for i, (kept, text) in tails.items()]
                self._statement(SAVE_PROGRESS).run(
                    answers=json.dumps(answers, ensure_ascii=False), saved_at=utcnow()
                )
            if renew:
                self._statement(RENEW_LEASES).run(ids=[str(i) for i in renew], lease=lease_seconds)
        except Exception as exc:
            self._drop()
            if database_outage(exc):
                raise DatabaseUnavailable("the database is not reachable right now") from exc
            raise

    def close(self) -> None:
        """Give the connection back to the pool (as the pool handed it out: not in autocommit)."""
        pooled, self._pooled = self._pooled, None
        statements, self._statements = self._statements, {}
        if pooled is None:
            return
        try:
            for statement in statements.values():
                statement.close()
            pooled.cursor().execute("RESET synchronous_commit")
            pooled.driver_connection.autocommit = False
            pooled.close()
        except Exception:
            log.warning("checkpoint connection could not be returned; dropping it")
            pooled.invalidate()

    def _statement(self, sql: str) -> Any:
        if self._pooled is None:
            self._pooled = self._engine.raw_connection()
            self._pooled.rollback()  # the pool's pre-ping may have opened a transaction
            self._pooled.driver_connection.autocommit = True
            # A checkpoint is committed once Postgres has it, without waiting for its WAL to
            # reach the disk: an instance that dies loses nothing, and only a crash of Postgres
            # itself could lose the last fraction of a second of checkpoints (the final save,
            # which waits for the disk as always, stores the whole answer).
            self._pooled.cursor().execute("SET synchronous_commit TO off")
        statement = self._statements.get(sql)
        if statement is None:
            statement = self._statements[sql] = self._pooled.driver_connection.prepare(sql)
        return statement

    def _drop(self) -> None:
        """After a failure the connection's state is unknown: it does not go back to the pool."""
        pooled, self._pooled, self._statements = self._pooled, None, {}
        if pooled is not None:
            try:
                pooled.invalidate()
            except Exception:
                log.debug("invalidating a broken checkpoint connection failed", exc_info=True)
