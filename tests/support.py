"""Test helpers: environment control, SSE parsing, row counts."""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from werkzeug.serving import make_server
from werkzeug.test import TestResponse

from common import runtime
from common.config import Settings
from common.db import create_db_engine
from common.knowledge import DEFAULT_ENTRIES
from common.models import KnowledgeRecord
from scripts.fake_gemini import FakeGemini


def clear_settings_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remove every variable the functions read (a developer's shell may carry some), so a test
    starts from the documented defaults. The names come from ``Settings`` itself: no list to drift."""
    names = {name.upper() for name in Settings.model_fields}
    for name in list(os.environ):
        if name in names:
            monkeypatch.delenv(name)


@contextlib.contextmanager
def serve_in_thread(app: Any) -> Iterator[str]:
    """A WSGI app on a free local port, in this process (so tests can script fakes and read the
    database directly); yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="test-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@dataclass
class SseEvent:
    event: str
    data: dict[str, Any] = field(default_factory=dict)
    id: str | None = None


def parse_sse(body: str) -> tuple[list[SseEvent], list[str]]:
    """Events and comment lines of an SSE body."""
    events: list[SseEvent] = []
    comments: list[str] = []
    for block in body.split("\n\n"):
        if not block.strip():
            continue
        name, data, event_id = "message", "", None
        for line in block.split("\n"):
            if line.startswith(":"):
                comments.append(line[1:].strip())
            elif line.startswith("event: "):
                name = line[len("event: ") :]
            elif line.startswith("data: "):
                data += line[len("data: ") :]
            elif line.startswith("id: "):
                event_id = line[len("id: ") :]
        if data or name != "message":
            events.append(SseEvent(name, json.loads(data) if data else {}, event_id))
    return events, comments


@dataclass
class Turn:
    """One POST /chat_stream, parsed."""

    response: TestResponse
    events: list[SseEvent]
    comments: list[str]

    @property
    def meta(self) -> dict[str, Any]:
        return self.events[0].data

    @property
    def text(self) -> str:
        return "".join(e.data["text"] for e in self.events if e.event == "delta")

    @property
    def deltas(self) -> list[str]:
        return [e.data["text"] for e in self.events if e.event == "delta"]

    @property
    def last(self) -> SseEvent:
        return self.events[-1]


def send(
    client: FlaskClient,
    message: str,
    *,
    conversation_id: str | None = None,
    token: str | None = None,
    client_message_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> Turn:
    body: dict[str, Any] = {"message": message}
    if conversation_id:
        body["conversation_id"] = conversation_id
    if client_message_id:
        body["client_message_id"] = client_message_id
    all_headers = dict(headers or {})
    if token:
        all_headers["X-Conversation-Token"] = token
    response = client.post("/", json=body, headers=all_headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/event-stream"
    events, comments = parse_sse(response.get_data(as_text=True))
    return Turn(response, events, comments)


# Every table a test may write, each after the tables that refer to it (``check_every_table_is_emptied``).
EMPTIED_BEFORE_EACH_TEST = (
    "feedback",
    "conversation_events",
    "handoffs",
    "outbox",
    "messages",
    "conversations",
    "erased_conversations",
    "knowledge_revisions",
    "knowledge_entries",
    "rate_limits",
    "staff",
)

# Tables of one row of state, set by ``truncate`` rather than emptied; and Alembic's own.
_KEPT = {"knowledge_state", "alembic_version"}


def check_every_table_is_emptied(database_url: str) -> None:
    """A table a migration adds and ``truncate`` does not empty would carry rows from one
    test into the next: say which."""
    engine = create_db_engine(database_url)
    try:
        with engine.connect() as conn:
            tables = {
                r[0]
                for r in conn.execute(sa.text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
            }
    finally:
        engine.dispose()
    missing = tables - _KEPT - set(EMPTIED_BEFORE_EACH_TEST)
    assert not missing, f"add {sorted(missing)} to tests/support.py EMPTIED_BEFORE_EACH_TEST"


class Env:
    """Environment of one test 'instance'."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, database_url: str, fake: FakeGemini) -> None:
        self.monkeypatch = monkeypatch
        self.database_url = database_url
        self.fake = fake

    def set(self, **values: str | None) -> None:
        for name, value in values.items():
            if value is None:
                self.monkeypatch.delenv(name, raising=False)
            else:
                self.monkeypatch.setenv(name, value)
        runtime.reset()

    def query(self, sql: str, **params: Any) -> list[Any]:
        with runtime.engine().connect() as conn:
            return list(conn.execute(sa.text(sql), params))

    def execute(self, sql: str, **params: Any) -> None:
        with runtime.engine().begin() as conn:
            conn.execute(sa.text(sql), params)

    def count(self, table: str) -> int:
        return int(self.query(f"SELECT count(*) FROM {table}")[0][0])

    def truncate(self) -> None:
        """Empty conversations; put the knowledge base back to the seeded defaults (version 1).

        A page's late request (its events stream, say) may still hold rows this locks after
        others; Postgres then breaks the deadlock by failing one of the two: if it is this one,
        it runs again."""
        for attempt in range(3):
            try:
                self._truncate()
                return
            except sa.exc.DBAPIError as exc:
                if "40P01" not in str(exc.orig) or attempt == 2:  # deadlock_detected
                    raise

    def _truncate(self) -> None:
        # DELETE, children first: on the few rows a test leaves it takes about 2 ms where
        # TRUNCATE took about 40 (it replaces each table's files), once per test.
        with runtime.engine().begin() as conn:
            # As TRUNCATE did, wait for a late writer of the test before (a page's request, the
            # webhook relay): rows it commits after the DELETE would be the next test's.
            conn.execute(
                sa.text(f"LOCK TABLE {', '.join(EMPTIED_BEFORE_EACH_TEST)} IN SHARE ROW EXCLUSIVE MODE")
            )
            for table in EMPTIED_BEFORE_EACH_TEST:
                conn.execute(sa.text(f"DELETE FROM {table}"))
            conn.execute(
                sa.insert(KnowledgeRecord),
                [
                    {"key": e.key, "title": e.title, "content": e.content, "kind": e.kind}
                    for e in DEFAULT_ENTRIES
                ],
            )
            conn.execute(sa.text("UPDATE knowledge_state SET version = 1"))

    def wait_for_answers(self, timeout: float = 30.0) -> None:
        """Let background generations of this test finish before the next test starts."""
        until = time.monotonic() + timeout
        while runtime.relays().active() and time.monotonic() < until:
            time.sleep(0.02)
