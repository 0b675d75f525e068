"""Shoppers rate answers: POST /history/feedback, scoped to one conversation by its token."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.support import Env, send


def _rate(history: FlaskClient, token: str | None, **body: Any) -> Any:
    headers = {"X-Conversation-Token": token} if token else {}
    return history.post("/feedback", headers=headers, json=body)


def test_a_rating_is_stored_and_sending_again_replaces_it(
    env: Env, chat: FlaskClient, history: FlaskClient
) -> None:
    meta = send(chat, "How long does shipping take?").meta
    ids = {"conversation_id": meta["conversation_id"], "message_id": meta["assistant_message_id"]}

    first = _rate(history, meta["conversation_token"], **ids, rating="down", comment="Too vague")
    second = _rate(history, meta["conversation_token"], **ids, rating="up")

    assert first.status_code == second.status_code == 204
    assert second.get_data() == b"" and "Content-Type" not in second.headers
    assert env.query("SELECT rating, comment FROM feedback") == [("up", None)]


@pytest.mark.parametrize(
    "case", ["wrong_token", "no_token", "question_not_answer", "other_conversation", "unknown"]
)
def test_anything_but_an_answer_of_this_conversation_is_404(
    env: Env, chat: FlaskClient, history: FlaskClient, case: str
) -> None:
    mine = send(chat, "Returns?").meta
    other = send(chat, "Delivery?").meta
    message_id = {
        "question_not_answer": mine["user_message_id"],
        "other_conversation": other["assistant_message_id"],
        "unknown": str(uuid.uuid4()),
    }.get(case, mine["assistant_message_id"])
    token = {"wrong_token": other["conversation_token"], "no_token": None}.get(
        case, mine["conversation_token"]
    )

    response = _rate(
        history, token, conversation_id=mine["conversation_id"], message_id=message_id, rating="up"
    )

    assert response.status_code == 404
    assert env.count("feedback") == 0


@pytest.mark.parametrize(
    "change",
    [{"rating": "meh"}, {"comment": "x" * 501}, {"message_id": "nope"}, {"extra": 1}, {"comment": 5}],
)
def test_invalid_feedback_is_400(
    env: Env, chat: FlaskClient, history: FlaskClient, change: dict[str, Any]
) -> None:
    meta = send(chat, "Returns?").meta
    body = {
        "conversation_id": meta["conversation_id"],
        "message_id": meta["assistant_message_id"],
        "rating": "up",
    }

    response = _rate(history, meta["conversation_token"], **{**body, **change})

    assert response.status_code == 400
    # A malformed message id has the code it has in a query (GET /chat_stream?message_id=).
    expected = "invalid_message_id" if "message_id" in change else "invalid_request"
    assert response.get_json()["error"]["code"] == expected
    assert env.count("feedback") == 0
    if "rating" in change:
        assert response.get_json()["error"]["message"] == "rating: must be 'up' or 'down'"


def test_a_malformed_conversation_id_in_feedback_is_400_invalid_conversation_id(
    env: Env, chat: FlaskClient, history: FlaskClient
) -> None:
    meta = send(chat, "Returns?").meta

    response = _rate(
        history,
        meta["conversation_token"],
        conversation_id="nope",
        message_id=meta["assistant_message_id"],
        rating="up",
    )

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_conversation_id"
    assert env.count("feedback") == 0


@pytest.mark.parametrize(
    ("length", "status", "error"),
    [(500, 204, None), (501, 400, "comment: must be at most 500 characters")],
)
def test_a_comment_may_have_500_characters(
    env: Env, chat: FlaskClient, history: FlaskClient, length: int, status: int, error: str | None
) -> None:
    meta = send(chat, "Returns?").meta

    response = _rate(
        history,
        meta["conversation_token"],
        conversation_id=meta["conversation_id"],
        message_id=meta["assistant_message_id"],
        rating="down",
        comment="y" * length,
    )

    assert response.status_code == status
    assert (response.get_json() or {}).get("error", {}).get("message") == error
    assert env.count("feedback") == (1 if status == 204 else 0)
