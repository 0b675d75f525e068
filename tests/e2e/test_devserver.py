"""``make dev``: a short banner, JSON errors from the server itself, a busy port reported
before anything starts (also by ``make fake-gemini``), and an embedded Postgres that stops with it."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from common.config import REPO_ROOT
from scripts.local import free_port
from tests.support import Env

pytestmark = pytest.mark.e2e


def _devserver(data_dir: Path, port: int) -> subprocess.Popen[str]:
    unset = ("DATABASE_URL", "GEMINI_API_KEY", "LOG_FORMAT", "ADMIN_TOKEN")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(DATA_DIR=str(data_dir), PORT=str(port), PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [sys.executable, "-m", "scripts.devserver"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _postgres_running(data_dir: Path) -> bool:
    pid_file = data_dir / "pg" / "postmaster.pid"
    if not pid_file.exists():
        return False
    try:
        os.kill(int(pid_file.read_text().split()[0]), 0)
    except (ProcessLookupError, ValueError):
        return False
    return True


def _wait_for_port(port: int) -> None:
    until = time.monotonic() + 30
    while time.monotonic() < until:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(port)


def _raw_get(port: int, header: str) -> tuple[str, str]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(f"GET /history HTTP/1.1\r\nHost: x\r\n{header}\r\n\r\n".encode())
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.decode().partition("\r\n\r\n")
    return head, body


def _first_turn(port: int) -> dict[str, str]:
    """Send a first message; the ``meta`` event's data."""
    body = json.dumps({"message": "How long does shipping take?"})
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(
            f"POST /chat_stream HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n{body}".encode()
        )
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    meta = data.decode().split("event: meta\ndata: ", 1)[1].split("\n", 1)[0]
    return dict(json.loads(meta))


def test_make_dev_starts_quietly_answers_json_and_stops_its_postgres(tmp_path: Path) -> None:
    port = free_port()
    server = _devserver(tmp_path, port)
    again: subprocess.Popen[str] | None = None
    try:
        assert server.stdout is not None
        banner = [server.stdout.readline().rstrip("\n") for _ in range(3)]
        assert banner[0] == (
            f"Support chat on http://127.0.0.1:{port}/ (staff console: http://127.0.0.1:{port}/admin/, "
            "sign in with a token from make staff-token, or start with ADMIN_TOKEN=<secret>)"
        )
        assert f"http://127.0.0.1:{port}/chat_stream" in banner[1]
        assert banner[2].startswith("Database: embedded Postgres")
        assert _postgres_running(tmp_path)
        _wait_for_port(port)

        head, body = _raw_get(port, "X-Big: " + "a" * 100_000)
        assert head.startswith("HTTP/1.1 431")
        assert "Content-Type: application/json" in head
        assert json.loads(body)["error"]["code"] == "headers_too_large"
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/no-such-page.html", timeout=10)
        assert missing.value.code == 404
        assert missing.value.headers["Content-Type"] == "application/json"
        assert json.loads(missing.value.read())["error"]["code"] == "not_found"

        busy = _start_and_stop({**os.environ, "DATA_DIR": str(tmp_path / "other"), "PORT": str(port)})
        assert busy.returncode == 1
        assert f"Port {port}" in busy.stderr
        assert not (tmp_path / "other").exists()  # nothing started

        # A page's events stream is open while the server stops.
        conversation = _first_turn(port)
        events = socket.create_connection(("127.0.0.1", port), timeout=10)
        events.sendall(
            f"GET /history/events?conversation_id={conversation['conversation_id']} HTTP/1.1\r\n"
            f"Host: x\r\nX-Conversation-Token: {conversation['conversation_token']}\r\n\r\n".encode()
        )
        assert events.recv(65536).startswith(b"HTTP/1.1 200")

        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
        events.close()
        until = time.monotonic() + 10
        while _postgres_running(tmp_path) and time.monotonic() < until:
            time.sleep(0.1)
        assert not _postgres_running(tmp_path)
        assert json.loads((tmp_path / "pg" / ".handle_pids.json").read_text()) == []
        rest = server.stdout.read()
        assert "PostgreSQL" not in rest and "5432" not in rest  # its chatter went to the log file
        # The stream that was cut off is no error of the server's.
        assert rest.rstrip().endswith("Stopped.") and "Traceback" not in rest and "ERROR" not in rest, rest

        # Started again at once: the connections the last one closed (TIME-WAIT) are no busy port.
        again = _devserver(tmp_path, port)
        assert again.stdout is not None
        assert again.stdout.readline().startswith("Support chat on"), again.stdout.read()
        again.send_signal(signal.SIGTERM)
        assert again.wait(timeout=30) == 0
    finally:
        for process in (server, again):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()


def test_make_dev_stops_its_server_when_make_is_killed_alone(tmp_path: Path) -> None:
    """`kill <make's pid>` (a supervisor, `kill $!`) signals make, not the server it runs: the
    server notices and stops with its embedded Postgres, so the port is free again."""
    port = free_port()
    make = _make_dev(tmp_path, port, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_port(port)
        assert _postgres_running(tmp_path)

        make.send_signal(signal.SIGTERM)
        make.wait(timeout=10)

        until = time.monotonic() + 15
        while (_port_in_use(port) or _postgres_running(tmp_path)) and time.monotonic() < until:
            time.sleep(0.1)
        assert not _port_in_use(port)
        assert not _postgres_running(tmp_path)
    finally:
        if _group_alive(make.pid):  # a server left behind: the next test's port and data stay free
            os.killpg(make.pid, signal.SIGKILL)


def test_make_dev_stopped_with_its_whole_process_group_says_stopped_without_a_traceback(
    tmp_path: Path,
) -> None:
    """`kill -TERM -<pgid>` (a terminal closing, a supervisor stopping the group): the server gets
    SIGTERM from it and again from make passing it on, and stops once, cleanly."""
    port = free_port()
    make = _make_dev(tmp_path, port, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _wait_for_port(port)

        os.killpg(make.pid, signal.SIGTERM)
        time.sleep(0.05)
        os.killpg(make.pid, signal.SIGTERM)  # as a second stop would, while it stops
        output, _ = make.communicate(timeout=30)

        assert "Stopped." in output and "Traceback" not in output, output
        assert not _postgres_running(tmp_path)
    finally:
        if _group_alive(make.pid):
            os.killpg(make.pid, signal.SIGKILL)


def _make_dev(tmp_path: Path, port: int, **output: Any) -> subprocess.Popen[Any]:
    """`make dev` as a newcomer runs it (embedded Postgres in ``tmp_path``), in a process group of
    its own, so that a signal to make alone, or to its whole group, reaches nothing else."""
    unset = ("DATABASE_URL", "GEMINI_API_KEY", "LOG_FORMAT", "ADMIN_TOKEN", "MAKELEVEL", "MAKEFLAGS")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(DATA_DIR=str(tmp_path), PORT=str(port))
    return subprocess.Popen(
        ["make", "--no-print-directory", "dev"], cwd=REPO_ROOT, env=env, start_new_session=True, **output
    )


def _port_in_use(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
    except OSError:
        return False
    return True


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_command_that_starts_the_embedded_postgres_stops_it_when_done(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    made = subprocess.run(
        [sys.executable, "-m", "scripts.staff_token", "--name", "Dana", "--role", "viewer"],
        cwd=REPO_ROOT,
        env={**env, "DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert made.returncode == 0, made.stderr
    assert "token (shown once" in made.stdout
    assert (tmp_path / "pg" / "PG_VERSION").exists()  # it did start one
    assert not _postgres_running(tmp_path)


def _start_and_stop(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`make dev` that is expected to refuse to start: what it said, and its exit code."""
    return subprocess.run(
        [sys.executable, "-m", "scripts.devserver"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_make_dev_with_an_invalid_setting_names_it_and_starts_nothing(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DATA_DIR=str(tmp_path), PORT=str(free_port()), POLICY_CACHE_TTL_SECONDS="abc")

    started = _start_and_stop(env)

    assert started.returncode == 1
    assert "Traceback" not in started.stderr
    assert started.stderr.startswith("Not started: invalid configuration: POLICY_CACHE_TTL_SECONDS")
    assert not (tmp_path / "pg").exists()  # no database started for it


@pytest.mark.parametrize("port", ["abc", "99999", "0", "²"])
def test_make_dev_with_an_invalid_port_says_so_in_one_line(tmp_path: Path, port: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DATA_DIR=str(tmp_path), PORT=port)

    started = _start_and_stop(env)

    assert started.returncode == 1
    assert started.stderr.strip() == f"Not started: PORT must be a port number from 1 to 65535, not '{port}'."
    assert not (tmp_path / "pg").exists()


def test_make_dev_with_a_database_it_cannot_use_names_it_in_one_line(env: Env) -> None:
    """A newcomer's typo in DATABASE_URL: one line naming the database and the server's reason,
    not a page of SQLAlchemy traceback; the password is not printed."""
    missing = make_url(env.database_url).set(database="no_such_shop", password="hunter2")
    environment = dict(os.environ, DATABASE_URL=missing.render_as_string(False), PORT=str(free_port()))

    started = _start_and_stop(environment)

    assert started.returncode == 1
    assert "Traceback" not in started.stderr
    assert re.fullmatch(
        r'Not started: postgresql\S*:\*\*\*@\S*/no_such_shop\S*: database "no_such_shop" does not exist\n',
        started.stderr,
    )


def test_make_fake_gemini_on_a_busy_port_says_so_in_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = subprocess.run(
            [sys.executable, "-m", "scripts.fake_gemini", "--port", str(port)],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert busy.returncode == 1
    assert busy.stderr.strip().splitlines() == [
        f"Port {port} on 127.0.0.1 is not free (Address already in use): stop what runs there, "
        "or use FAKE_GEMINI_PORT=<another> make fake-gemini."
    ]


def test_make_fuzz_writes_to_a_throwaway_database_not_the_shops(env: Env, database_url: str) -> None:
    """Generated writes overwrite policies and revoke staff: never in the database of a ``make dev``."""
    env.execute(
        "INSERT INTO staff (id, name, role, token_hash, created_by, created_at) "
        "VALUES (gen_random_uuid(), 'Ann', 'owner', decode(repeat('ab', 32), 'hex'), 'test', now())"
    )
    before = env.query("SELECT key, title, content FROM knowledge_entries ORDER BY key")
    conversations = env.count("conversations")
    fuzz_env = {k: v for k, v in os.environ.items() if k != "ADMIN_TOKEN"}

    run = subprocess.run(
        [sys.executable, "-m", "scripts.fuzz", "--examples", "3"],
        cwd=REPO_ROOT,
        env={**fuzz_env, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    used = re.search(r"on database (fuzz_\w+), dropped afterwards", run.stdout)
    assert used is not None, run.stdout[:500]
    # Its chats went somewhere (every run posts valid messages): not into this database.
    assert re.search(r"POST /chat_stream\b", run.stdout)
    assert env.count("conversations") == conversations
    assert env.query("SELECT key, title, content FROM knowledge_entries ORDER BY key") == before
    assert env.query("SELECT name, role, revoked_at FROM staff") == [("Ann", "owner", None)]
    assert env.query("SELECT 1 FROM pg_database WHERE datname = :name", name=used[1]) == []


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
@pytest.mark.parametrize("path", ["/", "/openapi.yaml", "/widget.js", "/admin/"])
def test_the_pages_are_read_only_other_methods_are_a_405(method: str, path: str) -> None:
    from werkzeug.test import Client

    from scripts.devserver import build_app

    client = Client(build_app())
    refused = client.open(path, method=method)
    served = client.get(path)

    assert refused.status_code == 405
    assert refused.headers["Allow"] == "GET, HEAD"
    assert json.loads(refused.get_data())["error"]["code"] == "method_not_allowed"
    assert served.status_code == 200
