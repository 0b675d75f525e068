"""Helpers for running things on this machine: ports, server processes, throwaway databases.

Shared by the tests, the benchmark and the dev tools (never deployed).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from common.config import REPO_ROOT
from common.db import create_db_engine
from common.migrate import upgrade_to_head

FUNCTIONS_DIR = REPO_ROOT / "functions"


def function_names() -> list[str]:
    """Every function folder, i.e. every ``functions/<name>/main.py``."""
    return sorted(p.parent.name for p in FUNCTIONS_DIR.glob("*/main.py"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """Return once something listens on ``port``; fail early if ``process`` exits."""
    until = time.monotonic() + timeout
    while time.monotonic() < until:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.002)
    raise TimeoutError(f"nothing listening on {port} after {timeout}s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# The machine's own Postgres, where the benchmarks' README figures were measured.
LOCAL_SERVER = "postgresql://postgres@127.0.0.1:5432/test"


def bench_server_url(explicit: str | None = None) -> str:
    """The Postgres server a benchmark makes its throwaway database on: ``explicit``, else
    ``DATABASE_URL``, else this machine's server on port 5432 when one answers, else the embedded
    one ``make dev`` and ``make test`` use (a fresh machine with no Postgres of its own)."""
    chosen = explicit or os.environ.get("DATABASE_URL")
    if chosen:
        return chosen
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
        return LOCAL_SERVER
    from common.db import start_embedded_postgres

    return start_embedded_postgres(REPO_ROOT / ".data" / "bench", stop_at_exit=True)


def _admin(server_url: str, *statements: str) -> None:
    engine = create_db_engine(server_url, pool_size=1)
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            for statement in statements:
                conn.execute(sa.text(statement))
    finally:
        engine.dispose()


@contextlib.contextmanager
def throwaway_database(server_url: str, name: str) -> Iterator[str]:
    """A fresh database ``name`` on the server, migrated to head; dropped afterwards."""
    _admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    try:
        url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
        upgrade_to_head(url)
        yield url
    finally:
        _admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
