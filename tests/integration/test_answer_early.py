"""The first message of a new conversation: the model is asked while the turn is being stored,
and nothing of its answer is shown or stored unless the turn is."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from common import runtime
from common.chat.events import Delta, FinalEvent, StreamItem
from common.chat.turns import TurnRequest
from common.db import create_db_engine
from common.errors import DatabaseUnavailable
from common.responses import MetaData
from scripts.fake_gemini import Behavior
from tests.support import Env

QUESTION = "Could you describe your shop in a few words?"


@contextlib.contextmanager
def _inserts_wait(env: Env, table: str) -> Iterator[sa.Connection]:
    """Another session locks ``table`` against inserts (reads still pass) until the caller
    rolls it back: a turn being stored waits for it."""
    engine = create_db_engine(env.database_url, pool_size=1)
    try:
        with engine.connect() as blocker:
            blocker.execute(sa.text(f"LOCK TABLE {table} IN SHARE MODE"))
            yield blocker
    finally:
        engine.dispose()


@pytest.fixture
def inserts_wait(env: Env) -> Iterator[sa.Connection]:
    with _inserts_wait(env, "conversations") as blocker:
        yield blocker


def _in_thread(send: Callable[[], list[StreamItem]]) -> tuple[threading.Thread, dict[str, Any]]:
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["items"] = send()
        except Exception as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def _until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def _waiting_for_the_lock(env: Env) -> bool:
    rows = env.query(
        "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
    )
    return bool(rows)


def test_the_model_is_asked_while_the_first_turn_is_stored_and_answers_once_it_is(
    env: Env, inserts_wait: sa.Connection
) -> None:
    env.fake.script(Behavior(chunks=["We sell ", "tea."]))
    service = runtime.chat_service()

    sent_at = time.monotonic()
    sender, outcome = _in_thread(lambda: list(service.send(TurnRequest(message=QUESTION))))
    _until(lambda: len(env.fake.stream_requests()) == 1 and _waiting_for_the_lock(env))
    time.sleep(0.2)  # the insert held a while longer: not counted in the time to first token

    inserts_wait.rollback()  # the turn is stored now
    held_ms = (time.monotonic() - sent_at) * 1000
    sender.join(10)

    items = outcome["items"]
    assert isinstance(items[0], MetaData)
    assert "".join(item.text for item in items if isinstance(item, Delta)) == "We sell tea."
    final = items[-1]
    assert isinstance(final, FinalEvent) and final.name == "done"
    env.wait_for_answers()
    stored = env.query(
        "SELECT status, content, time_to_first_token_ms FROM messages WHERE id = :id",
        id=items[0].assistant_message_id,
    )[0]
    assert (stored.status, stored.content) == ("complete", "We sell tea.")
    # Counted from when the model was asked to when its first chunk came, not to when the
    # turn was stored (at least 200 ms later).
    assert stored.time_to_first_token_ms < held_ms - 200


def test_a_turn_that_cannot_be_stored_drops_the_answer_the_model_had_started(
    env: Env, inserts_wait: sa.Connection
) -> None:
    # A slow answer (4 s): dropped, it ends at once; written, it would run for seconds.
    env.fake.script(Behavior(chunks=[f"part {i} " for i in range(20)], gap=0.2))
    service = runtime.chat_service()

    sender, outcome = _in_thread(lambda: list(service.send(TurnRequest(message=QUESTION))))
    _until(lambda: len(env.fake.stream_requests()) == 1 and _waiting_for_the_lock(env))
    # The insert's connection dies while it waits: the turn is not stored.
    env.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE wait_event_type = 'Lock' AND datname = current_database()"
    )
    sender.join(10)

    assert isinstance(outcome.get("error"), DatabaseUnavailable)
    _until(lambda: runtime.relays().active() == 0, timeout=1.5)
    inserts_wait.rollback()
    assert env.count("messages") == 0
    assert env.count("conversations") == 0


def test_a_follow_up_is_stored_before_the_model_is_asked(env: Env) -> None:
    service = runtime.chat_service()
    first = list(service.send(TurnRequest(message=QUESTION)))
    meta = first[0]
    assert isinstance(meta, MetaData)
    env.wait_for_answers()
    env.fake.reset()
    follow_up = TurnRequest(
        message="And do you ship abroad?",
        conversation_id=meta.conversation_id,
        conversation_token=meta.conversation_token,
    )
    with _inserts_wait(env, "messages") as blocker:
        sender, outcome = _in_thread(lambda: list(service.send(follow_up)))
        _until(lambda: _waiting_for_the_lock(env))
        time.sleep(0.3)
        # Its prompt needs the stored history, and it might repeat an earlier send.
        assert env.fake.stream_requests() == []
        blocker.rollback()
    sender.join(10)
    assert outcome["items"][-1].name == "done"
    assert len(env.fake.stream_requests()) == 1
