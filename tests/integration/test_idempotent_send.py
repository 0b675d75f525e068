"""Retried sends never store a second question or bill a second answer."""

from __future__ import annotations

import threading

from flask.testing import FlaskClient

from scripts.fake_gemini import Behavior
from tests.conftest import make_client
from tests.support import Env, Turn, send


def _first(chat: FlaskClient) -> tuple[str, str]:
    turn = send(chat, "hello")
    return turn.meta["conversation_id"], turn.meta["conversation_token"]


def test_a_retried_send_replays_the_stored_answer(env: Env, chat: FlaskClient) -> None:
    cid, token = _first(chat)
    env.fake.script(Behavior(chunks=["Returns ", "are free."]))

    original = send(chat, "Returns?", conversation_id=cid, token=token, client_message_id="m-1")
    retried = send(chat, "Returns?", conversation_id=cid, token=token, client_message_id="m-1")

    assert retried.meta["assistant_message_id"] == original.meta["assistant_message_id"]
    assert retried.meta["user_message_id"] == original.meta["user_message_id"]
    assert retried.text == original.text == "Returns are free."
    assert retried.last.data == original.last.data
    assert len(env.fake.stream_requests()) == 2  # "hello" and the first "Returns?" only
    assert env.count("messages") == 4


def test_a_retry_while_the_answer_is_still_streaming_follows_it(env: Env) -> None:
    chat = make_client("chat_stream")
    cid, token = _first(chat)
    env.fake.script(Behavior(chunks=[f"part{n} " for n in range(8)], gap=0.1))
    results: dict[str, Turn] = {}

    def original() -> None:
        results["original"] = send(
            chat, "Long one", conversation_id=cid, token=token, client_message_id="m-2"
        )

    thread = threading.Thread(target=original)
    thread.start()
    while len(env.fake.stream_requests()) < 2:
        pass
    retried = send(
        make_client("chat_stream"), "Long one", conversation_id=cid, token=token, client_message_id="m-2"
    )
    thread.join()

    assert retried.text == results["original"].text == "".join(f"part{n} " for n in range(8))
    assert retried.meta["assistant_message_id"] == results["original"].meta["assistant_message_id"]
    assert len(env.fake.stream_requests()) == 2
    assert env.count("messages") == 4


def test_a_retry_after_a_broken_answer_answers_again_without_a_second_question(
    env: Env, chat: FlaskClient
) -> None:
    env.set(KNOWLEDGE_FALLBACK="false")
    chat = make_client("chat_stream")
    cid, token = _first(chat)
    env.fake.script(
        Behavior(kind="break", chunks=["Half ", "an ", "answer"], break_after=1),
        Behavior(chunks=["Whole answer."]),
    )

    broken = send(chat, "Tell me", conversation_id=cid, token=token, client_message_id="m-3")
    retried = send(chat, "Tell me", conversation_id=cid, token=token, client_message_id="m-3")

    assert broken.last.event == "error"
    assert retried.last.event == "done"
    assert retried.text == "Whole answer."
    assert retried.meta["user_message_id"] == broken.meta["user_message_id"]
    assert retried.meta["assistant_message_id"] != broken.meta["assistant_message_id"]
    questions = env.query("SELECT count(*) FROM messages WHERE role = 'user' AND client_message_id = 'm-3'")
    assert questions[0][0] == 1
    # The retry's prompt holds the question once, not the broken attempt.
    assert env.fake.stream_requests()[-1].turns[-1] == ("user", "Tell me")
    assert ("user", "Tell me") not in env.fake.stream_requests()[-1].turns[:-1]
    # Later turns see the conversation as it was said: the cut-off attempt is not part of it.
    send(chat, "Next", conversation_id=cid, token=token)
    assert env.fake.stream_requests()[-1].turns[-4:] == [
        ("model", env.fake.stream_requests()[-1].turns[-4][1]),
        ("user", "Tell me"),
        ("model", "Whole answer."),
        ("user", "Next"),
    ]


def test_reusing_a_client_message_id_for_another_message_is_a_conflict(env: Env, chat: FlaskClient) -> None:
    cid, token = _first(chat)
    send(chat, "First", conversation_id=cid, token=token, client_message_id="m-4")

    response = chat.post(
        "/",
        json={"message": "Different", "conversation_id": cid, "client_message_id": "m-4"},
        headers={"X-Conversation-Token": token},
    )

    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "client_message_id_reused"
    assert env.count("messages") == 4


def test_two_messages_sent_at_once_are_stored_in_a_consistent_order(env: Env) -> None:
    chat = make_client("chat_stream")
    cid, token = _first(chat)
    env.fake.script(Behavior(chunks=["ok"], first_delay=0.1, times=2))
    threads = [
        threading.Thread(
            target=send,
            args=(make_client("chat_stream"), f"at once {n}"),
            kwargs={"conversation_id": cid, "token": token},
        )
        for n in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    env.wait_for_answers()

    rows = env.query("SELECT position, role, reply_to_id, id FROM messages ORDER BY position")
    assert [r.position for r in rows] == [1, 2, 3, 4, 5, 6]
    assert [r.role for r in rows] == ["user", "assistant"] * 3
    # Every answer directly follows its own question.
    for question, answer in zip(rows[::2], rows[1::2], strict=True):
        assert answer.reply_to_id == question.id


def test_quiet_streams_get_heartbeats(env: Env) -> None:
    env.set(HEARTBEAT_SECONDS="0.1")
    chat = make_client("chat_stream")
    env.fake.script(Behavior(chunks=["Finally."], first_delay=0.5))

    turn = send(chat, "slow one")

    assert turn.comments.count("ping") >= 2
    assert turn.text == "Finally."


def test_a_replayed_knowledge_answer_is_announced_as_one(env: Env) -> None:
    env.set(FAQ_DIRECT_ANSWER_MIN_SCORE="2.0")
    chat = make_client("chat_stream")
    cid, token = _first(chat)

    original = send(
        chat,
        "Which payment methods do you accept?",
        conversation_id=cid,
        token=token,
        client_message_id="m-5",
    )
    replayed = send(
        chat,
        "Which payment methods do you accept?",
        conversation_id=cid,
        token=token,
        client_message_id="m-5",
    )

    assert original.meta["answer_source"] == replayed.meta["answer_source"] == "knowledge"
    assert replayed.text == original.text
