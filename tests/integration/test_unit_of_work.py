"""A server that is going away is an outage (a 503 and a retry), not a bug (a 500)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from common import runtime
from common.db import create_db_engine
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
    ("severity", "code", "outage"),
    [
        ("FATAL", "57P03", True),  # the database system is starting up
        ("FATAL", "57P01", True),  # terminating connection due to administrator command
        ("FATAL", "08006", True),
        ("FATAL", "53300", True),  # too many clients already
        ("FATAL", "55000", True),  # the database is not currently accepting connections
        ("FATAL", "3D000", True),  # the database does not exist (any more)
        ("ERROR", "55000", False),  # an object not in the state a statement needs
        ("FATAL", "28P01", False),  # a refused login: a misconfiguration to see in the logs
        ("FATAL", "25P03", False),  # idle in a transaction too long: our bug
        ("ERROR", "42P01", False),  # a statement on a missing table: a bug
        ("ERROR", "23505", False),
    ],
)
def test_postgres_errors_of_a_server_going_away_are_outages(severity: str, code: str, outage: bool) -> None:
    """pg8000 raises "the database system is starting up" (57P03) as a ProgrammingError."""
    from pg8000.dbapi import ProgrammingError

    from common.unit_of_work import _server_unavailable

    error = ProgrammingError({"S": severity, "V": severity, "C": code, "M": "..."})
    assert _server_unavailable(error) is outage


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
def test_cached_placeholder_rewriting_matches_pg8000s_own(env: Env, statement: str) -> None:
    """The cache in front of pg8000's placeholder rewriting gives exactly pg8000's result (the
    statements compiled by the test database's engine: ``env``)."""
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


def _round_trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The statements pg8000 waits for the server for, one entry per round trip, from now on."""
    import pg8000.core

    waited: list[str] = []
    original = pg8000.core.CoreConnection.handle_messages

    def counted(self: object, context: object) -> None:
        waited.append(str(getattr(context, "statement", "")))
        original(self, context)

    monkeypatch.setattr(pg8000.core.CoreConnection, "handle_messages", counted)
    return waited


def test_a_statement_with_parameters_and_its_commit_are_one_round_trip_each(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pg8000 alone waits three times per statement (after Parse, Describe, Bind and Execute):
    six round trips here, and sixteen for the two transactions of a turn."""
    with runtime.engine().connect() as connection:
        connection.execute(sa.text("SELECT 1"))  # checked out, pinged, in a transaction
        waited = _round_trips(monkeypatch)
        row = connection.execute(sa.text("SELECT CAST(:a AS int) + 1, CAST(:b AS text)"), {"a": 41, "b": "x"})
        assert tuple(row.one()) == (42, "x")
        connection.commit()
    assert len(waited) == 2, waited
    assert waited[1] == "commit"


def test_a_transaction_on_a_pooled_connection_is_three_round_trips(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """BEGIN (the pool's pre-ping), the statement, COMMIT: eight round trips with pg8000 and
    SQLAlchemy as they come (BEGIN, a ping statement, three for the statement, three for COMMIT)."""
    engine = runtime.engine()
    with engine.connect() as connection:  # the pool has a connection that was used before
        connection.execute(sa.text("SELECT 1"))
    waited = _round_trips(monkeypatch)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT CAST(:a AS int)"), {"a": 3}).scalar_one() == 3
        connection.commit()
    assert [w.split()[0] for w in waited] == ["begin", "SELECT", "commit"]


def test_a_connection_that_died_in_the_pool_is_replaced_before_it_is_used(env: Env) -> None:
    """The pre-ping (now the BEGIN) finds a connection the server closed while it sat in the
    pool (an administrator, a restart, a serverless database suspending): the next transaction
    gets a fresh one instead of an error. SQLAlchemy's own ping let pg8000's "connection reset"
    through about every other time; five rounds make that failure show."""
    engine = runtime.engine()
    other = create_db_engine(env.database_url, pool_size=1)  # not a connection of the same pool
    try:
        for _ in range(5):
            with engine.connect() as connection:
                pid = connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
            with other.connect() as admin:
                admin.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

            with engine.connect() as connection:
                assert connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one() != pid
    finally:
        other.dispose()


def test_values_of_every_kind_travel_both_ways(env: Env) -> None:
    import datetime as dt
    import uuid

    values = {
        "i": 7,
        "t": "naïve 'quotes' \"double\" \\ {braces} $1 %s 🙂\nline",
        "n": None,
        "u": uuid.uuid4(),
        "ts": dt.datetime(2026, 11, 25, 10, 30, 15, 123456, tzinfo=dt.UTC),
        "f": 0.1,
        "b": True,
        "arr": [1, 2, 3],
    }
    sql = (
        "SELECT CAST(:i AS int), CAST(:t AS text), CAST(:n AS text), CAST(:u AS uuid),"
        " CAST(:ts AS timestamptz), CAST(:f AS float8), CAST(:b AS boolean), CAST(:arr AS int[])"
    )
    with runtime.engine().connect() as connection:
        row = connection.execute(sa.text(sql), values).one()
        rows = connection.execute(
            sa.text("SELECT g, repeat(:t, g) FROM generate_series(1, :n) AS g"), {"t": "ab", "n": 3}
        ).all()
    assert tuple(row) == tuple(values.values())
    assert [tuple(r) for r in rows] == [(1, "ab"), (2, "abab"), (3, "ababab")]


def test_a_failing_statement_raises_and_leaves_the_connection_in_step(env: Env) -> None:
    """An error at Parse (syntax), at Bind (a value the type rejects) or at Execute (a duplicate
    key) is raised as before, and the next statement on the same connection gets its own answer
    (nothing of the failed one is left unread)."""
    with runtime.engine().connect() as connection:
        pid = connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        connection.execute(sa.text("CREATE TEMP TABLE pipelined (id int PRIMARY KEY, note text)"))
        connection.execute(sa.text("INSERT INTO pipelined VALUES (:id, :note)"), {"id": 1, "note": "first"})
        connection.commit()
        failing = [
            (sa.exc.ProgrammingError, "SELEC :x", {"x": 1}),
            (sa.exc.DBAPIError, "SELECT CAST(:x AS uuid)", {"x": "not a uuid"}),
            (sa.exc.IntegrityError, "INSERT INTO pipelined VALUES (:id, :note)", {"id": 1, "note": "again"}),
        ]
        for error, sql, params in failing:
            with pytest.raises(error):
                connection.execute(sa.text(sql), params)
            connection.rollback()
            updated = connection.execute(
                sa.text("UPDATE pipelined SET note = :note WHERE id = :id RETURNING note"),
                {"id": 1, "note": sql[:6]},
            )
            assert updated.scalar_one() == sql[:6]
            connection.commit()
        assert connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one() == pid
