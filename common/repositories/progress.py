"""The checkpoint writer's own connection: a pooled connection kept while the writer runs, in
autocommit, with its two statements prepared once.

A pass of the writer is one round trip, about 0.05 ms of CPU; through a unit of work it was
about 0.5 ms (session, pre-ping, BEGIN and COMMIT). That matters because, showing only saved
text, the writer makes a pass for nearly every chunk of every answer.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy.engine import Engine

from common.errors import DatabaseUnavailable
from common.models import utcnow
from common.unit_of_work import database_outage

log = logging.getLogger(__name__)

# The text so far of every answer that moved since the last pass, in one statement.
SAVE_PROGRESS = """
    UPDATE messages AS m SET content = v.content, updated_at = CAST(:saved_at AS timestamptz)
    FROM unnest(CAST(:ids AS uuid[]), CAST(:texts AS text[])) AS v(id, content)
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
        self, texts: Mapping[uuid.UUID, str], renew: Collection[uuid.UUID], lease_seconds: float
    ) -> None:
        """Save ``texts`` and renew the leases of ``renew``. Raises ``DatabaseUnavailable``
        when the database cannot be reached (the connection is dropped; the next call opens one)."""
        try:
            if texts:
                self._statement(SAVE_PROGRESS).run(
                    ids=[str(i) for i in texts], texts=list(texts.values()), saved_at=utcnow()
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
