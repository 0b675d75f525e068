"""The engine, and a local embedded Postgres for development.

Postgres is reached through pg8000. A hosted URL (Neon, Cloud SQL) may carry libpq
options that pg8000 rejects; they are turned into an ``ssl.SSLContext`` here.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import socket
import ssl
import warnings
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url

# libpq-only query options that pg8000 does not understand.
_LIBPQ_ONLY = ("sslmode", "channel_binding", "sslrootcert", "options", "target_session_attrs")


def normalize_url(raw: str) -> tuple[URL, dict[str, Any]]:
    """Turn a libpq-style Postgres URL into a pg8000 URL plus its ``connect_args``."""
    url = make_url(raw)
    if url.drivername in ("postgres", "postgresql", "postgresql+psycopg2", "postgresql+psycopg"):
        url = url.set(drivername="postgresql+pg8000")
    query = dict(url.query)
    connect_args: dict[str, Any] = {}
    sslmode = str(query.get("sslmode", "")).lower()
    host = query.pop("host", None)
    if host and str(host).startswith("/"):
        # A socket directory, as libpq and pgserver write it.
        port = url.port or 5432
        connect_args["unix_sock"] = str(Path(str(host)) / f".s.PGSQL.{port}")
    for key in _LIBPQ_ONLY:
        query.pop(key, None)
    local = "unix_sock" in connect_args or url.host in (None, "", "localhost", "127.0.0.1", "::1")
    if sslmode == "disable" or (not sslmode and local):
        # pg8000 otherwise builds a default SSL context for every new connection (~20 ms).
        connect_args["ssl_context"] = False
    elif sslmode in ("require", "verify-ca", "verify-full"):
        context = ssl.create_default_context()
        if sslmode == "require":
            # libpq's "require" encrypts without verifying the certificate.
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        connect_args["ssl_context"] = context
    return url.set(query=query), connect_args


def create_db_engine(raw_url: str, *, pool_size: int = 10, max_overflow: int | None = None) -> Engine:
    """An engine whose pool survives idle disconnects (serverless Postgres suspends)."""
    url, connect_args = normalize_url(raw_url)
    connect_args.setdefault("timeout", 10)
    cache_placeholder_rewriting()
    send_statements_in_one_round_trip()
    engine = sa.create_engine(
        url,
        connect_args=connect_args,
        pool_size=pool_size,
        max_overflow=pool_size if max_overflow is None else max_overflow,
        pool_pre_ping=True,
        pool_recycle=300,
        pool_timeout=10,
        # Statement parameters hold shoppers' messages: keep them out of errors and logs.
        hide_parameters=True,
    )
    sa.event.listen(engine, "connect", lambda connection, _record: send_at_once(connection))
    engine.dialect.do_ping = _ping_by_beginning(engine.dialect.do_ping)  # type: ignore[method-assign]
    return engine


def _ping_by_beginning(ping: Any) -> Any:
    """The pool's pre-ping in one round trip instead of two.

    SQLAlchemy pings a pooled connection with a statement through a pg8000 cursor, and the cursor
    first sends ``BEGIN`` on its own (pg8000 is not in autocommit): two round trips, after which
    a transaction is open. Sending only that ``BEGIN`` checks the connection just as well and
    leaves it in the same state. A broken connection raises pg8000's own disconnect errors (also
    for a reset on the first read, which pg8000 lets through as an ``OSError`` that the pool
    would not recognise), so the pool replaces it (``tests/integration/test_unit_of_work.py``).
    A connection in autocommit, or already in a transaction, is pinged as SQLAlchemy does.
    """

    import pg8000.exceptions  # type: ignore[import-untyped]

    def do_ping(dbapi_connection: Any) -> bool:
        if dbapi_connection.autocommit or dbapi_connection._in_transaction:
            return bool(ping(dbapi_connection))
        try:
            dbapi_connection.execute_simple("begin transaction")
        except AttributeError as exc:  # pg8000 once its socket is gone, as its cursor says it
            raise pg8000.exceptions.InterfaceError("connection is closed") from exc
        except OSError as exc:
            # pg8000 lets a reset on the first read through as it is: a disconnect all the same.
            raise pg8000.exceptions.InterfaceError("network error") from exc
        return True

    return do_ping


# Statements whose placeholders pg8000 has rewritten, by (paramstyle, SQL text).
CONVERTED_STATEMENTS = 512


def cache_placeholder_rewriting() -> None:
    """Make pg8000 rewrite a statement's placeholders (``%s`` into ``$1``) once, not per execution.

    pg8000 scans the SQL text character by character in Python on every ``execute``: about 2 ms
    of CPU for the turn's statement (a long CTE), twice per turn, measured with cProfile on the
    request thread (200 turns, ``pg8000.dbapi.convert_paramstyle``: 0.86 s of 2.7 s). For the
    positional styles the rewritten text depends on the SQL text only, so it is cached here;
    the named styles still go through pg8000. pg8000 is pinned in ``constraints.txt``, and
    ``tests/integration/test_unit_of_work.py`` checks the cached text against pg8000's own.
    """
    import pg8000.legacy  # type: ignore[import-untyped]

    original = pg8000.legacy.convert_paramstyle
    if getattr(original, "cached", False):
        return

    @functools.lru_cache(maxsize=CONVERTED_STATEMENTS)
    def rewritten(style: str, query: str) -> str:
        return str(original(style, query, ())[0])

    def convert_paramstyle(style: str, query: str, args: Any) -> tuple[str, Any]:
        if style in ("format", "numeric", "qmark"):
            return rewritten(style, query), args
        return original(style, query, args)  # type: ignore[no-any-return]

    convert_paramstyle.cached = True  # type: ignore[attr-defined]
    pg8000.legacy.convert_paramstyle = convert_paramstyle


def send_statements_in_one_round_trip() -> None:
    """Make pg8000 send a statement with parameters (and ``COMMIT``) in one round trip, not three.

    pg8000's ``execute_unnamed`` waits for the server after Parse, again after Describe, and then
    after Bind and Execute, each behind its own Sync; nothing it sends depends on what the
    server answered in between. Here the same messages go out together behind one Sync, as
    libpq and asyncpg send them; the server answers them in order (the row description before
    the rows), and an error skips to the Sync, so it is raised once everything is read.
    A transaction of the turn went from 8 round trips to 4 (``make bench``, section (e)).
    Also what a pooler in transaction mode needs: a Sync between Parse and Bind ends a
    "transaction" to it, and outside an explicit one it may hand the server connection to
    another client before the Bind. pg8000 is pinned in ``constraints.txt``;
    ``tests/integration/test_unit_of_work.py`` checks results, errors and round trips.
    """
    import pg8000.core  # type: ignore[import-untyped]

    core = pg8000.core
    if getattr(core.CoreConnection.execute_unnamed, "pipelined", False):
        return

    def execute_unnamed(self: Any, statement: str, vals: Any = (), oids: Any = (), stream: Any = None) -> Any:
        context = core.Context(statement, stream=stream)
        params = core.make_params(self.py_types, vals)  # before anything is sent: it may raise
        self.send_PARSE(core.NULL_BYTE, statement, oids)
        self.send_DESCRIBE_STATEMENT(core.NULL_BYTE)
        self.send_BIND(core.NULL_BYTE, params)
        self.send_EXECUTE()
        core._write(self._sock, core.SYNC_MSG)
        core._flush(self._sock)  # a closed connection: pg8000's cursor turns the error into its own
        self.handle_messages(context)
        return context

    execute_unnamed.pipelined = True  # type: ignore[attr-defined]
    core.CoreConnection.execute_unnamed = execute_unnamed


def send_at_once(connection: Any) -> None:
    """Turn off Nagle's algorithm on a pg8000 connection's socket, as libpq does.

    pg8000 writes a message larger than its 8 KB buffer in several sends; with Nagle on, the
    last one waits for the server's delayed ACK of the first: 40 ms added to any statement
    that carries more than 8 KB (a checkpoint pass with a few answers' text, measured 44 ms
    for 16 KB, 1.3 ms of it in Postgres).
    """
    sock = getattr(connection, "_usock", None)
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def connect_native(raw_url: str) -> Any:
    """A plain pg8000 connection outside the pool, for an instance's ``LISTEN``."""
    import pg8000.native  # type: ignore[import-untyped]

    url, connect_args = normalize_url(raw_url)
    ssl_context = connect_args.get("ssl_context")
    connection = pg8000.native.Connection(
        user=url.username or "postgres",
        host=url.host or "localhost",
        database=url.database,
        port=url.port or 5432,
        password=url.password,
        unix_sock=connect_args.get("unix_sock"),
        ssl_context=None if ssl_context is False else ssl_context,
        timeout=None,
        application_name="support-chat-listener",
    )
    send_at_once(connection)
    return connection


def start_embedded_postgres(data_dir: Path, *, stop_at_exit: bool = False) -> str:
    """Start (or reuse) a local PostgreSQL from the ``pgserver`` package; return its URL.

    The data lives in ``data_dir/pg`` and survives restarts; the server's log and pgserver's
    chatter go to files (``data_dir/pg/log``, ``data_dir/pgserver.log``), not to the terminal
    (initdb wants ``pg`` itself empty).
    ``stop_at_exit``: stop the server when the last process using it exits (``make dev``,
    ``make staff-token``); otherwise it keeps running for the next process (test runs share
    one). Only for local development and tests on a machine without a Postgres server.
    """
    with warnings.catch_warnings():
        # platformdirs warns about XDG_RUNTIME_DIR on import in containers; nothing to act on.
        warnings.simplefilter("ignore")
        import pgserver  # dev dependency: imported here so production never needs it

    pgdata = data_dir / "pg"
    pgdata.mkdir(parents=True, exist_ok=True)
    _log_pgserver_to(data_dir / "pgserver.log")
    _forget_dead_handles(pgdata / ".handle_pids.json")
    server = pgserver.get_server(pgdata, cleanup_mode="stop" if stop_at_exit else None)  # type: ignore[attr-defined]
    return str(server.get_uri("postgres"))


def _log_pgserver_to(path: Path) -> None:
    pg_log = logging.getLogger("pgserver")
    if not any(isinstance(h, logging.FileHandler) for h in pg_log.handlers):
        pg_log.addHandler(logging.FileHandler(path))
    pg_log.propagate = False


def _forget_dead_handles(handles: Path) -> None:
    """pgserver stops the server when its last handle (a process id) lets go; ids of processes
    that were killed stay in its file forever and keep it running. Drop them."""
    try:
        pids = json.loads(handles.read_text())
    except (OSError, ValueError):
        return
    alive = [pid for pid in pids if isinstance(pid, int) and _alive(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
