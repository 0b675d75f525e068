"""Progress of a streaming answer is saved in the background, newest text only."""

from __future__ import annotations

from common import runtime
from common.chat.checkpoints import Checkpointer
from common.chat.turns import TurnRequest, TurnStarted, start_turn
from common.tokens import TokenKeys
from tests.fakes import FlakyUnitOfWork
from tests.support import Env


def _streaming_answer(env: Env) -> TurnStarted:
    return start_turn(
        uow=runtime.unit_of_work(), request=TurnRequest(message="hi"), keys=TokenKeys(None), lease_seconds=15
    )


def _content(env: Env, turn: TurnStarted) -> str:
    return str(
        env.query("SELECT content FROM messages WHERE id = :id", id=turn.assistant_message_id)[0].content
    )


def test_the_newest_text_is_written(env: Env) -> None:
    turn = _streaming_answer(env)
    checkpoints = Checkpointer(runtime.unit_of_work())

    for text in ("Hel", "Hello", "Hello, wor"):
        checkpoints.save(turn.assistant_message_id, text)

    assert checkpoints.flush()
    assert _content(env, turn) == "Hello, wor"


def test_a_checkpoint_never_overwrites_a_finished_answer(env: Env) -> None:
    turn = _streaming_answer(env)
    env.execute(
        "UPDATE messages SET status = 'complete', content = 'Final.' WHERE id = :id",
        id=turn.assistant_message_id,
    )
    checkpoints = Checkpointer(runtime.unit_of_work())

    checkpoints.save(turn.assistant_message_id, "Fina")

    assert checkpoints.flush()
    assert _content(env, turn) == "Final."


def test_a_database_outage_skips_checkpoints_without_failing(env: Env) -> None:
    turn = _streaming_answer(env)
    flaky = FlakyUnitOfWork(runtime.unit_of_work(), failures=1)
    checkpoints = Checkpointer(flaky, backoff_seconds=0.05)

    checkpoints.save(turn.assistant_message_id, "lost")
    assert checkpoints.flush()
    checkpoints.save(turn.assistant_message_id, "lost and found")
    assert checkpoints.flush()

    assert flaky.failed == 1
    assert _content(env, turn) == "lost and found"
