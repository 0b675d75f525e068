"""Progress of a streaming answer is saved in the background, newest text only."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from typing import Any

import pytest
import sqlalchemy as sa

from common import runtime
from common.chat.checkpoints import SLOW_PASS_SECONDS, Checkpointer, Tail
from common.chat.turns import TurnRequest, TurnStarted, start_turn
from common.db import create_db_engine
from common.repositories.progress import ProgressConnection
from common.tokens import TokenKeys
from tests.fakes import FlakyProgress
from tests.support import Env


@pytest.fixture
def new_writer() -> Iterator[Callable[..., Checkpointer]]:
    """Checkpoint writers that are stopped after the test: a writer otherwise keeps its thread
    and its pooled connection for half a minute (and its leases renewed, if a test failed)."""
    made: list[Checkpointer] = []

    def make(store: Any, **options: Any) -> Checkpointer:
        made.append(Checkpointer(store, **options))
        return made[-1]

    yield make
    for writer in made:
        writer.stop(timeout=1)


def _streaming_answer(env: Env) -> TurnStarted:
    return start_turn(
        uow=runtime.unit_of_work(), request=TurnRequest(message="hi"), keys=TokenKeys(None), lease_seconds=15
    )


def _content(env: Env, turn: TurnStarted) -> str:
    return str(
        env.query("SELECT content FROM messages WHERE id = :id", id=turn.assistant_message_id)[0].content
    )


def test_the_newest_text_is_written(env: Env, new_writer: Callable[..., Checkpointer]) -> None:
    turn = _streaming_answer(env)
    checkpoints = new_writer(ProgressConnection(runtime.engine()))

    for text in ("Hel", "Hello", "Hello, wor"):
        checkpoints.save(turn.assistant_message_id, text)

    assert checkpoints.flush()
    assert _content(env, turn) == "Hello, wor"


def test_text_of_any_characters_is_saved_as_it_is_for_several_answers_at_once(
    env: Env, new_writer: Callable[..., Checkpointer]
) -> None:
    first, second = _streaming_answer(env), _streaming_answer(env)
    checkpoints = new_writer(ProgressConnection(runtime.engine()))
    awkward = 'Quotes " and \\ backslash, {braces}, commas,\n\ttabs, NULL, «ünïcødé» 🚚'

    checkpoints.save(first.assistant_message_id, awkward)
    checkpoints.save(second.assistant_message_id, "")
    assert checkpoints.flush()
    checkpoints.save(first.assistant_message_id, awkward + ' and "more"')
    checkpoints.save(second.assistant_message_id, "NULL")
    assert checkpoints.flush()

    assert _content(env, first) == awkward + ' and "more"'
    assert _content(env, second) == "NULL"


def test_a_checkpoint_never_overwrites_a_finished_answer(
    env: Env, new_writer: Callable[..., Checkpointer]
) -> None:
    turn = _streaming_answer(env)
    env.execute(
        "UPDATE messages SET status = 'complete', content = 'Final.' WHERE id = :id",
        id=turn.assistant_message_id,
    )
    checkpoints = new_writer(ProgressConnection(runtime.engine()))

    checkpoints.save(turn.assistant_message_id, "Fina")

    assert checkpoints.flush()
    assert _content(env, turn) == "Final."


def test_a_database_outage_skips_checkpoints_without_failing(
    env: Env, new_writer: Callable[..., Checkpointer]
) -> None:
    turn = _streaming_answer(env)
    flaky = FlakyProgress(ProgressConnection(runtime.engine()), failures=1)
    checkpoints = new_writer(flaky, backoff_seconds=0.05)

    checkpoints.save(turn.assistant_message_id, "lost")
    assert checkpoints.flush()
    checkpoints.save(turn.assistant_message_id, "lost and found")
    assert checkpoints.flush()

    assert flaky.failed == 1
    assert _content(env, turn) == "lost and found"


class _Shown:
    """What a channel was told is saved, in order."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def __call__(self, upto: int) -> None:
        self.calls.append(upto)


def test_text_is_reported_shown_only_once_it_is_saved(
    env: Env, new_writer: Callable[..., Checkpointer]
) -> None:
    first, second = _streaming_answer(env), _streaming_answer(env)
    checkpoints = new_writer(ProgressConnection(runtime.engine()))
    shown_first, shown_second = _Shown(), _Shown()

    checkpoints.save(first.assistant_message_id, "One", shown_first)
    checkpoints.save(second.assistant_message_id, "Two, three", shown_second)
    assert checkpoints.flush()

    # When told, the text was already in the database, for both answers of the pass.
    assert shown_first.calls[-1] == 3 and _content(env, first) == "One"
    assert shown_second.calls[-1] == 10 and _content(env, second) == "Two, three"


def test_while_the_database_fails_text_is_shown_without_waiting(
    env: Env, new_writer: Callable[..., Checkpointer]
) -> None:
    turn = _streaming_answer(env)
    flaky = FlakyProgress(ProgressConnection(runtime.engine()), failures=2)
    checkpoints = new_writer(flaky, backoff_seconds=0.5)
    shown = _Shown()

    checkpoints.save(turn.assistant_message_id, "Not", shown)
    until = time.monotonic() + 5
    # The writer reports the text shown once its failed pass is over (and it knows it failed).
    while 3 not in shown.calls and time.monotonic() < until:
        time.sleep(0.005)
    assert flaky.failed == 1
    # The writer is backing off after the failure: the next text is shown at once, by save itself.
    checkpoints.save(turn.assistant_message_id, "Not saved yet", shown)
    assert 13 in shown.calls
    assert _content(env, turn) == ""

    assert checkpoints.flush(timeout=5)
    assert _content(env, turn) == "Not saved yet"  # kept and written once the database is back


def test_a_pass_that_hangs_does_not_hold_text_back(env: Env, new_writer: Callable[..., Checkpointer]) -> None:
    """A database that hangs (here: a row lock another session holds) rather than fails."""
    turn = _streaming_answer(env)
    checkpoints = new_writer(ProgressConnection(runtime.engine()))
    shown = _Shown()
    locker = create_db_engine(env.database_url, pool_size=1)
    with locker.connect() as other:
        other.execute(
            sa.text("SELECT 1 FROM messages WHERE id = :id FOR UPDATE"), {"id": turn.assistant_message_id}
        )
        checkpoints.save(turn.assistant_message_id, "Held", shown)
        time.sleep(SLOW_PASS_SECONDS + 0.2)
        assert shown.calls == []  # the pass is stuck behind the lock

        checkpoints.save(turn.assistant_message_id, "Held up", shown)

        assert shown.calls == [7]
        other.rollback()
    assert checkpoints.flush()
    assert _content(env, turn) == "Held up"
    locker.dispose()


class _Recording:
    """The real connection, remembering what each pass sent."""

    def __init__(self) -> None:
        self.real = ProgressConnection(runtime.engine())
        self.sent: list[dict[Any, Tail]] = []

    def write(self, tails: Mapping[Any, Tail], renew: Collection[Any], lease_seconds: float) -> None:
        self.sent.append(dict(tails))
        self.real.write(tails, renew, lease_seconds)

    def close(self) -> None:
        self.real.close()


def test_a_pass_sends_only_the_text_after_what_is_saved(
    env: Env, new_writer: Callable[..., Checkpointer]
) -> None:
    turn = _streaming_answer(env)
    store = _Recording()
    checkpoints = new_writer(store)
    checkpoints.hold(turn.assistant_message_id)

    checkpoints.save(turn.assistant_message_id, "Hello")
    assert checkpoints.flush()
    checkpoints.save(turn.assistant_message_id, "Hello, wörld")
    assert checkpoints.flush()

    assert [sent[turn.assistant_message_id] for sent in store.sent] == [Tail(0, "Hello"), Tail(5, ", wörld")]
    assert _content(env, turn) == "Hello, wörld"
    checkpoints.release(turn.assistant_message_id)


def test_a_stopped_writer_lets_go_of_its_connection(env: Env) -> None:
    turn = _streaming_answer(env)
    engine = create_db_engine(env.database_url, pool_size=2)
    checkpoints = Checkpointer(ProgressConnection(engine))
    checkpoints.save(turn.assistant_message_id, "Saved")
    assert checkpoints.flush()
    assert engine.pool.checkedout() == 1  # kept for the next pass

    checkpoints.stop()

    assert engine.pool.checkedout() == 0
    assert _content(env, turn) == "Saved"
    checkpoints.save(turn.assistant_message_id, "Saved again")  # a new writer starts
    assert checkpoints.flush()
    assert _content(env, turn) == "Saved again"
    checkpoints.stop()
    engine.dispose()


def test_letting_go_saves_the_queued_text_and_ends_the_leases_of_the_answers_held(env: Env) -> None:
    turn = _streaming_answer(env)
    checkpoints = Checkpointer(ProgressConnection(runtime.engine()))
    checkpoints.hold(turn.assistant_message_id)
    checkpoints.save(turn.assistant_message_id, "Half an ans")

    checkpoints.let_go()

    assert _content(env, turn) == "Half an ans"
    with runtime.unit_of_work()() as tx:  # whoever meets it next resolves it, at once
        assert tx.conversations.expire_leases(conversation_id=turn.conversation_id) == [
            turn.assistant_message_id
        ]
    checkpoints.save(turn.assistant_message_id, "Half an answer")  # the instance is stopping
    assert not checkpoints.flush(timeout=0.2)  # no writer starts again
    assert _content(env, turn) == "Half an ans"


def test_letting_go_while_answers_keep_streaming_ends_every_lease(env: Env) -> None:
    """At exit the answers' threads go on saving until the process ends: none of it may hold the
    writer up, nor keep a lease running."""
    turns = [_streaming_answer(env) for _ in range(6)]
    for _ in range(3):
        checkpoints = Checkpointer(ProgressConnection(runtime.engine()))
        streaming = threading.Event()
        streaming.set()

        for turn in turns:
            checkpoints.hold(turn.assistant_message_id)
        threads = [
            threading.Thread(target=_keep_saving, args=(checkpoints, t.assistant_message_id, streaming))
            for t in turns
        ]
        for thread in threads:
            thread.start()
        time.sleep(0.2)

        started = time.monotonic()
        checkpoints.let_go()
        took = time.monotonic() - started
        streaming.clear()
        for thread in threads:
            thread.join()

        assert took < 1.0
        running = env.query(
            "SELECT count(*) AS n FROM messages WHERE id = ANY(:ids) AND lease_expires_at > now()",
            ids=[t.assistant_message_id for t in turns],
        )
        assert running[0].n == 0
        with runtime.engine().begin() as connection:  # a lease for the next round
            connection.execute(sa.text("UPDATE messages SET lease_expires_at = now() + interval '15 s'"))


def _keep_saving(checkpoints: Checkpointer, message_id: Any, streaming: threading.Event) -> None:
    text = ""
    while streaming.is_set():
        text += "word "
        checkpoints.save(message_id, text)
        time.sleep(0.002)
