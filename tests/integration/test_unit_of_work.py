"""A server that is going away is an outage (a 503 and a retry), not a bug (a 500)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from common import runtime
from common.errors import DatabaseUnavailable
from tests.support import Env


def test_a_terminated_connection_is_reported_as_unavailable(env: Env) -> None:
    def query_after_an_administrators_shutdown() -> None:
        with runtime.unit_of_work()() as tx:
            pid = tx.session.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
            env.query("SELECT pg_terminate_backend(:pid) AS ended", pid=pid)
            tx.session.execute(sa.text("SELECT 1"))

    with pytest.raises(DatabaseUnavailable):
        query_after_an_administrators_shutdown()

    with runtime.unit_of_work()() as tx:  # the pool replaced the dead connection
        assert tx.session.execute(sa.text("SELECT 1")).scalar_one() == 1


@pytest.mark.parametrize(
    ("code", "outage"),
    [("57P03", True), ("57P01", True), ("08006", True), ("53300", True), ("42P01", False), ("23505", False)],
)
def test_postgres_error_classes_of_a_server_going_away_are_outages(code: str, outage: bool) -> None:
    """pg8000 raises "the database system is starting up" (57P03) as a ProgrammingError."""
    from pg8000.dbapi import ProgrammingError

    from common.unit_of_work import _server_unavailable

    assert _server_unavailable(ProgrammingError({"S": "FATAL", "C": code, "M": "..."})) is outage


def test_connections_send_large_statements_at_once(env: Env) -> None:
    """Nagle's algorithm off (as libpq does): a statement over pg8000's 8 KB buffer otherwise
    waits for the server's delayed ACK, 40 ms."""
    import socket

    pooled = runtime.engine().raw_connection()
    try:
        sock = pooled.driver_connection._usock
        if sock.family == socket.AF_UNIX:
            pytest.skip("a Unix socket has no Nagle's algorithm")  # the embedded Postgres
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        pooled.close()


QUOTED = "SELECT '%s is text', $$ %s $$, \"col%s\" FROM t WHERE a = %s AND b LIKE 'x%%' -- %s\nAND c = %s"


@pytest.mark.parametrize("statement", ["START_CONVERSATION", "CONTINUE_CONVERSATION", "QUOTED"])
def test_cached_placeholder_rewriting_matches_pg8000s_own(statement: str) -> None:
    """The cache in front of pg8000's placeholder rewriting gives exactly pg8000's result."""
    import pg8000.dbapi
    import pg8000.legacy

    from common.db import cache_placeholder_rewriting
    from common.repositories import turn_statements

    cache_placeholder_rewriting()
    sql = (
        QUOTED
        if statement == "QUOTED"
        else str(getattr(turn_statements, statement).compile(dialect=runtime.engine().dialect))
    )
    args = ("a", 1, None)

    for _ in range(2):  # the first call fills the cache, the second reads it
        assert pg8000.legacy.convert_paramstyle("format", sql, args) == pg8000.dbapi.convert_paramstyle(
            "format", sql, args
        )
    named = {"x": 1}
    assert pg8000.legacy.convert_paramstyle("named", "SELECT :x", named) == ("SELECT $1", (1,))
