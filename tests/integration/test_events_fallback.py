"""The events stream without its LISTEN connection: it polls, and nothing is lost."""

from __future__ import annotations

import queue
import threading
import time
import uuid

from flask.testing import FlaskClient

from common import runtime
from common.auth import Principal
from common.handoff import inbox
from common.handoff.events import EventStream, open_events
from common.handoff.listener import EventHub
from common.models import StaffRole
from tests.support import Env, send


def _no_database_listener() -> object:
    raise OSError("LISTEN is not available here")


def test_a_reply_reaches_the_stream_by_polling_when_the_listener_is_down(
    env: Env, chat: FlaskClient, history: FlaskClient
) -> None:
    meta = send(chat, "Broken item").meta
    token = meta["conversation_token"]
    history.post(
        "/handoff", headers={"X-Conversation-Token": token}, json={"conversation_id": meta["conversation_id"]}
    )
    stream = EventStream(
        uow=runtime.unit_of_work(),
        hub=EventHub(_no_database_listener),
        heartbeat_seconds=5,
        poll_seconds=30,
        # The stream ends on its own soon after the test, not once the test database is gone.
        max_seconds=8,
    )
    events = open_events(
        stream=stream,
        keys=runtime.token_keys(),
        conversation_id=uuid.UUID(meta["conversation_id"]),
        conversation_token=token,
        last_event_id=None,
    )
    received: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [received.put(chunk) for chunk in events], daemon=True).start()
    time.sleep(0.3)

    sent = time.monotonic()
    inbox.reply(
        uow=runtime.unit_of_work(),
        conversation_id=uuid.UUID(meta["conversation_id"]),
        who=Principal("Sam", StaffRole.EDITOR, "token"),
        content="Polled reply",
        settings=runtime.handoff_settings(),
    )
    while "Polled reply" not in (chunk := received.get(timeout=5)):
        pass
    assert chunk.startswith("id: ") and "event: message" in chunk
    assert time.monotonic() - sent < 2.5  # the fallback polls every second
