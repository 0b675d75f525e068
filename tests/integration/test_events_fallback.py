"""The events stream on its own: without its LISTEN connection it polls, and nothing is lost;
when its conversation is erased, it ends, so that the page's reconnect gets a 404."""

from __future__ import annotations

import queue
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from common import runtime
from common.auth import Principal
from common.console.conversations import delete_conversation
from common.handoff import inbox
from common.handoff.events import EventStream, open_events
from common.handoff.listener import EventHub
from common.models import StaffRole
from tests.support import Env, send


def _no_database_listener() -> object:
    raise OSError("LISTEN is not available here")


@pytest.fixture
def listener_down() -> Iterator[EventHub]:
    """A hub whose LISTEN connection never opens; closed after the test, so that its thread
    stops retrying (and logging) for the rest of the run."""
    hub = EventHub(_no_database_listener)
    yield hub
    hub.close()


def test_a_reply_reaches_the_stream_by_polling_when_the_listener_is_down(
    env: Env, chat: FlaskClient, history: FlaskClient, listener_down: EventHub
) -> None:
    meta = send(chat, "Broken item").meta
    token = meta["conversation_token"]
    history.post(
        "/handoff", headers={"X-Conversation-Token": token}, json={"conversation_id": meta["conversation_id"]}
    )
    stream = EventStream(
        uow=runtime.unit_of_work(),
        hub=listener_down,
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


@pytest.mark.parametrize(("listening", "heartbeat", "noticed_within"), [(True, 30.0, 1.0), (False, 1.0, 3.5)])
def test_the_stream_of_an_erased_conversation_ends(
    env: Env,
    chat: FlaskClient,
    listener_down: EventHub,
    listening: bool,
    heartbeat: float,
    noticed_within: float,
) -> None:
    """Woken by the erasure where the listener runs (long before a heartbeat), at the next
    heartbeat where not."""
    meta = send(chat, "Broken item").meta
    conversation_id = uuid.UUID(meta["conversation_id"])
    hub = runtime.event_hub() if listening else listener_down
    stream = EventStream(
        uow=runtime.unit_of_work(), hub=hub, heartbeat_seconds=heartbeat, poll_seconds=30, max_seconds=40
    )
    events = open_events(
        stream=stream,
        keys=runtime.token_keys(),
        conversation_id=conversation_id,
        conversation_token=meta["conversation_token"],
        last_event_id=None,
    )
    ended = threading.Event()
    threading.Thread(target=lambda: ([None for _ in events], ended.set()), daemon=True).start()
    time.sleep(1.5)
    assert not ended.is_set()  # a quiet conversation: the stream goes on

    erased = time.monotonic()
    delete_conversation(uow=runtime.unit_of_work(), conversation_id=conversation_id, deleted_by="test")

    assert ended.wait(10)
    assert time.monotonic() - erased < noticed_within
