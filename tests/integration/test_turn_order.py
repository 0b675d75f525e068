"""Turns in a conversation are answered in order, each with its own question."""

from __future__ import annotations

import threading
import time

from flask.testing import FlaskClient

from scripts.fake_gemini import Behavior
from tests.conftest import make_client
from tests.support import Env, Turn, send


def _blocks(turn: Turn) -> list[str]:
    """The stream's blocks in order: event names, and ``ping`` for a heartbeat."""
    names = []
    for block in turn.response.get_data(as_text=True).split("\n\n"):
        if block.startswith(": ping"):
            names.append("ping")
        elif "event: " in block:
            names.append(block.split("event: ", 1)[1].split("\n", 1)[0])
    return names


def test_a_second_message_is_answered_after_the_first_with_the_first_in_its_prompt(env: Env) -> None:
    env.set(HEARTBEAT_SECONDS="0.2", CHECKPOINT_INTERVAL_SECONDS="0.1")
    chat = make_client("chat_stream")
    first = send(chat, "hello")
    cid, token = first.meta["conversation_id"], first.meta["conversation_token"]
    answer_a = ["Returns ", "are ", "free ", "for ", "30 days."]
    env.fake.script(Behavior(chunks=answer_a, gap=0.3), Behavior(chunks=["Shipping takes 2-4 days."]))
    turns: dict[str, Turn] = {}
    ended: dict[str, float] = {}

    def ask(name: str, question: str) -> None:
        turns[name] = send(chat, question, conversation_id=cid, token=token)
        ended[name] = time.monotonic()

    thread_a = threading.Thread(target=ask, args=("a", "Q-A: returns?"))
    thread_a.start()
    while len(env.fake.stream_requests()) < 2:
        time.sleep(0.01)
    started_b = time.monotonic()
    ask("b", "Q-B: shipping?")
    thread_a.join()

    a, b = turns["a"], turns["b"]
    assert a.text == "".join(answer_a)
    assert b.text == "Shipping takes 2-4 days."
    # The second prompt: the first question and its answer, then its own question, alone.
    prompt = env.fake.stream_requests()[2].turns
    assert prompt[-3:] == [
        ("user", "Q-A: returns?"),
        ("model", "".join(answer_a)),
        ("user", "Q-B: shipping?"),
    ]
    # What the shopper sees meanwhile: meta at once, heartbeats while waiting, then the answer.
    blocks = _blocks(b)
    assert blocks[0] == "meta"
    assert "ping" in blocks[1 : blocks.index("delta")]
    assert blocks[-1] == "done"
    assert ended["b"] - started_b >= 1.0  # it waited for the first answer (5 chunks, 0.3 s apart)
    rows = env.query("SELECT position, role, status FROM messages ORDER BY position")
    assert [(r.role, r.status) for r in rows] == [("user", "complete"), ("assistant", "complete")] * 3


def test_a_message_after_a_finished_answer_does_not_wait(env: Env, chat: FlaskClient) -> None:
    first = send(chat, "hello")
    env.wait_for_answers()

    started = time.monotonic()
    second = send(
        chat, "again", conversation_id=first.meta["conversation_id"], token=first.meta["conversation_token"]
    )

    assert second.last.event == "done"
    assert time.monotonic() - started < 2
    assert env.fake.stream_requests()[-1].turns[-1] == ("user", "again")
