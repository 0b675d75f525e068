"""GET /history: the page restores a conversation with its token."""

from __future__ import annotations

import uuid

import pytest
from flask.testing import FlaskClient

from scripts.fake_gemini import Behavior
from tests.support import Env, send


def test_reload_restores_the_conversation(env: Env, chat: FlaskClient, history: FlaskClient) -> None:
    env.fake.script(Behavior(chunks=["Hello ", "there"]))
    turn = send(chat, "hi")
    env.wait_for_answers()

    response = history.get(
        f"/?conversation_id={turn.meta['conversation_id']}",
        headers={"X-Conversation-Token": turn.meta["conversation_token"]},
    )

    assert response.status_code == 200
    body = response.get_json()
    assert body["conversation_id"] == turn.meta["conversation_id"]
    assert [(m["id"], m["role"], m["content"], m["status"]) for m in body["messages"]] == [
        (turn.meta["user_message_id"], "user", "hi", "complete"),
        (turn.meta["assistant_message_id"], "assistant", "Hello there", "complete"),
    ]
    assert all(m["created_at"] for m in body["messages"])
    assert body["messages"][1]["usage"]["output_tokens"] > 0
    assert body["has_more"] is False


def test_long_conversations_are_paginated_oldest_first(
    env: Env, chat: FlaskClient, history: FlaskClient
) -> None:
    first = send(chat, "message 0")
    cid, token = first.meta["conversation_id"], first.meta["conversation_token"]
    for n in range(1, 5):
        send(chat, f"message {n}", conversation_id=cid, token=token)
    headers = {"X-Conversation-Token": token}

    newest = history.get(f"/?conversation_id={cid}&limit=4", headers=headers).get_json()
    older = history.get(
        f"/?conversation_id={cid}&limit=4&before={newest['next_before']}", headers=headers
    ).get_json()
    oldest = history.get(
        f"/?conversation_id={cid}&limit=4&before={older['next_before']}", headers=headers
    ).get_json()

    users = lambda page: [m["content"] for m in page["messages"] if m["role"] == "user"]  # noqa: E731
    assert users(newest) == ["message 3", "message 4"]
    assert users(older) == ["message 1", "message 2"]
    assert users(oldest) == ["message 0"]
    assert newest["has_more"] and older["has_more"]
    assert oldest["has_more"] is False and oldest["next_before"] is None
    positions = [m["position"] for p in (oldest, older, newest) for m in p["messages"]]
    assert positions == list(range(1, 11))


def test_spaces_around_the_token_header_are_no_part_of_it(
    env: Env, chat: FlaskClient, history: FlaskClient
) -> None:
    """HTTP allows whitespace around a header's value (RFC 9110, 5.5); a client that adds some
    still reaches its conversation."""
    turn = send(chat, "hi")
    env.wait_for_answers()
    cid, token = turn.meta["conversation_id"], turn.meta["conversation_token"]

    restored = history.get(f"/?conversation_id={cid}", headers={"X-Conversation-Token": f"{token} "})
    followed = send(chat, "and returns?", conversation_id=cid, token=f"\t{token}  ")

    assert restored.status_code == 200
    assert followed.meta["conversation_id"] == cid


@pytest.mark.parametrize("token", ["wrong", None])
def test_wrong_or_missing_token_looks_like_no_conversation(
    env: Env, chat: FlaskClient, history: FlaskClient, token: str | None
) -> None:
    turn = send(chat, "hi")
    headers = {"X-Conversation-Token": token} if token else {}

    wrong = history.get(f"/?conversation_id={turn.meta['conversation_id']}", headers=headers)
    unknown = history.get(f"/?conversation_id={uuid.uuid4()}", headers=headers)

    assert wrong.status_code == unknown.status_code == 404
    assert wrong.get_json() == unknown.get_json()


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("", "invalid_conversation_id"),
        ("conversation_id=nope", "invalid_conversation_id"),
        (f"conversation_id=urn:uuid:{uuid.uuid4()}", "invalid_conversation_id"),  # hyphenated form only
        (f"conversation_id={uuid.uuid4().hex}", "invalid_conversation_id"),
        (f"conversation_id={uuid.uuid4()}&limit=0", "invalid_limit"),
        (f"conversation_id={uuid.uuid4()}&limit=abc", "invalid_limit"),
        (f"conversation_id={uuid.uuid4()}&before=-1", "invalid_before"),
        (f"conversation_id={uuid.uuid4()}&before=", "invalid_before"),  # as limit= is
        (f"conversation_id={uuid.uuid4()}&limit=", "invalid_limit"),
        (f"conversation_id={uuid.uuid4()}&before=2147483648", "invalid_before"),  # past a Postgres integer
        (f"conversation_id={uuid.uuid4()}&before={'9' * 5000}", "invalid_before"),
        (f"conversation_id={uuid.uuid4()}&limit=501", "invalid_limit"),
        (f"conversation_id={uuid.uuid4()}&limit={'9' * 5000}", "invalid_limit"),
    ],
)
def test_bad_history_queries_are_400(env: Env, history: FlaskClient, query: str, code: str) -> None:
    response = history.get(f"/?{query}")

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code


@pytest.mark.parametrize(
    ("method", "path", "status", "allow"),
    [
        ("GET", "/nope", 404, None),  # not the history of the conversation it names
        ("POST", "/nope", 404, None),
        ("GET", "/feedback", 405, "POST, OPTIONS"),
        ("GET", "/handoff", 405, "POST, OPTIONS"),
        ("PUT", "/feedback", 405, "POST, OPTIONS"),
        ("POST", "/", 405, "GET, OPTIONS"),
        ("POST", "/events", 405, "GET, OPTIONS"),
        ("GET", "/robots.txt", 404, None),  # a path functions-framework answers itself
    ],
)
def test_each_path_takes_its_own_methods(
    env: Env, chat: FlaskClient, history: FlaskClient, method: str, path: str, status: int, allow: str | None
) -> None:
    meta = send(chat, "Hello").meta
    query = f"?conversation_id={meta['conversation_id']}"
    headers = {"X-Conversation-Token": meta["conversation_token"]}

    response = history.open(path + query, method=method, headers=headers, json={})

    assert response.status_code == status
    assert response.get_json()["error"]["code"] == ("not_found" if status == 404 else "method_not_allowed")
    assert response.headers.get("Allow") == allow


def test_a_head_request_answers_as_its_get_without_a_body(
    env: Env, chat: FlaskClient, history: FlaskClient
) -> None:
    """For uptime monitors and ``curl -I``; a path without GET still says which methods it takes."""
    meta = send(chat, "Hello").meta
    query = f"?conversation_id={meta['conversation_id']}"
    headers = {"X-Conversation-Token": meta["conversation_token"]}

    head = history.head(f"/{query}", headers=headers)
    wrong_token = history.head(f"/{query}", headers={"X-Conversation-Token": "x" * 43})
    no_get = history.head(f"/feedback{query}", headers=headers)

    assert (head.status_code, head.content_type, head.data) == (200, "application/json", b"")
    assert wrong_token.status_code == 404
    assert (no_get.status_code, no_get.headers["Allow"]) == (405, "POST, OPTIONS")
