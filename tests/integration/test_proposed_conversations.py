"""A first message may carry a conversation id and token the client made: it is as safe to
retry as any other message."""

from __future__ import annotations

import uuid

from flask.testing import FlaskClient

from common.tokens import new_token
from tests.support import Env, send


def test_the_server_creates_the_conversation_the_client_proposed(env: Env, chat: FlaskClient) -> None:
    cid, token = str(uuid.uuid4()), new_token()

    first = send(chat, "hello", conversation_id=cid, token=token, client_message_id="m-1")
    second = send(chat, "and then?", conversation_id=cid, token=token, client_message_id="m-2")

    assert first.meta["conversation_id"] == second.meta["conversation_id"] == cid
    assert first.meta["conversation_token"] == token
    assert first.last.event == second.last.event == "done"
    # Only the token's keyed hash is stored.
    row = env.query("SELECT token_hash FROM conversations WHERE id = :id", id=cid)[0]
    assert token.encode() not in bytes(row.token_hash)
    assert env.count("messages") == 4


def test_a_retried_first_message_replays_instead_of_starting_a_second_conversation(
    env: Env, chat: FlaskClient
) -> None:
    cid, token = str(uuid.uuid4()), new_token()

    original = send(chat, "hello", conversation_id=cid, token=token, client_message_id="m-1")
    retried = send(chat, "hello", conversation_id=cid, token=token, client_message_id="m-1")

    assert retried.meta["assistant_message_id"] == original.meta["assistant_message_id"]
    assert retried.text == original.text
    assert env.count("conversations") == 1
    assert env.count("messages") == 2
    assert len(env.fake.stream_requests()) == 1


def test_a_proposed_id_that_exists_under_another_token_is_404(env: Env, chat: FlaskClient) -> None:
    cid = str(uuid.uuid4())
    send(chat, "mine", conversation_id=cid, token=new_token())

    response = chat.post(
        "/", json={"message": "theirs", "conversation_id": cid}, headers={"X-Conversation-Token": new_token()}
    )

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "conversation_not_found"
    assert env.count("conversations") == 1
    assert env.count("messages") == 2


def test_conversations_the_server_creates_keep_working(env: Env, chat: FlaskClient) -> None:
    first = send(chat, "hello")

    again = send(
        chat, "more", conversation_id=first.meta["conversation_id"], token=first.meta["conversation_token"]
    )

    assert uuid.UUID(first.meta["conversation_id"]).version == 4
    assert len(first.meta["conversation_token"]) >= 43
    assert again.last.event == "done"
