"""A streaming answer's writer renews a lease; an answer whose lease expired (its instance
died) is resolved by whoever meets it first, and by a sweep that needs no traffic."""

from __future__ import annotations

import time

from flask.testing import FlaskClient

from common import runtime
from scripts.fake_gemini import Behavior
from tests.conftest import make_client
from tests.support import Env, Turn, send


def _orphan(env: Env, chat: FlaskClient, *, client_message_id: str | None = None) -> tuple[Turn, str]:
    """A conversation whose second answer was being written by an instance that died: its
    placeholder holds a checkpoint and an expired lease."""
    first = send(chat, "hello")
    env.wait_for_answers()
    cid = first.meta["conversation_id"]
    env.execute("UPDATE conversations SET message_count = 4 WHERE id = :cid", cid=cid)
    env.execute(
        "INSERT INTO messages (id, conversation_id, position, role, content, status, client_message_id,"
        "                      created_at, updated_at)"
        " VALUES (gen_random_uuid(), :cid, 3, 'user', 'Returns?', 'complete', :cmid, now(), now())",
        cid=cid,
        cmid=client_message_id,
    )
    env.execute(
        "INSERT INTO messages (id, conversation_id, position, role, content, status, reply_to_id,"
        "                      created_at, updated_at, lease_expires_at)"
        " SELECT gen_random_uuid(), :cid, 4, 'assistant', 'Returns are fr', 'streaming', id, now(), now(),"
        "        now() - interval '1 second' FROM messages WHERE conversation_id = :cid AND position = 3",
        cid=cid,
    )
    orphan = env.query("SELECT id FROM messages WHERE conversation_id = :cid AND position = 4", cid=cid)[0].id
    return first, str(orphan)


def _status(env: Env, message_id: str) -> tuple[str, str, str | None]:
    row = env.query("SELECT status, content, error_code FROM messages WHERE id = :id", id=message_id)[0]
    return row.status, row.content, row.error_code


def test_the_next_message_resolves_an_expired_answer_and_does_not_wait(env: Env, chat: FlaskClient) -> None:
    first, orphan = _orphan(env, chat)

    started = time.monotonic()
    turn = send(
        chat,
        "Still there?",
        conversation_id=first.meta["conversation_id"],
        token=first.meta["conversation_token"],
    )

    assert turn.last.event == "done"
    assert time.monotonic() - started < 2
    assert _status(env, orphan) == ("interrupted", "Returns are fr", "answer_lost")


def test_history_shows_an_expired_answer_as_interrupted(env: Env, chat: FlaskClient) -> None:
    first, orphan = _orphan(env, chat)

    page = make_client("history").get(
        f"/?conversation_id={first.meta['conversation_id']}",
        headers={"X-Conversation-Token": first.meta["conversation_token"]},
    )

    last = page.get_json()["messages"][-1]
    assert (last["id"], last["status"], last["content"]) == (orphan, "interrupted", "Returns are fr")


def test_a_retry_of_an_expired_answer_answers_again_at_once(env: Env, chat: FlaskClient) -> None:
    first, orphan = _orphan(env, chat, client_message_id="m-1")
    env.fake.script(Behavior(chunks=["Returns are free."]))

    started = time.monotonic()
    retried = send(
        chat,
        "Returns?",
        conversation_id=first.meta["conversation_id"],
        token=first.meta["conversation_token"],
        client_message_id="m-1",
    )

    assert time.monotonic() - started < 2
    assert retried.text == "Returns are free."
    assert _status(env, orphan)[0] == "interrupted"
    assert env.count("messages") == 5  # no second question, one new answer


def test_the_sweep_resolves_expired_answers_without_traffic(env: Env, chat: FlaskClient) -> None:
    _, orphan = _orphan(env, chat)
    env.set(LEASE_SWEEP_SECONDS="0.1")

    runtime.lease_sweeper()
    until = time.monotonic() + 5
    while _status(env, orphan)[0] == "streaming" and time.monotonic() < until:
        time.sleep(0.05)

    assert _status(env, orphan) == ("interrupted", "Returns are fr", "answer_lost")


def test_a_quiet_model_keeps_its_lease(env: Env) -> None:
    # The lease is far shorter than the model's silence before its first token.
    env.set(ANSWER_LEASE_SECONDS="0.6", LEASE_RENEW_SECONDS="0.15", LEASE_SWEEP_SECONDS="0.1")
    chat = make_client("chat_stream")
    env.fake.script(Behavior(chunks=["Worth ", "the wait."], first_delay=2.0))

    turn = send(chat, "slow one")

    assert turn.text == "Worth the wait."
    assert turn.last.event == "done"
    assert _status(env, turn.meta["assistant_message_id"])[0] == "complete"
