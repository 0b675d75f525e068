"""Logs as Cloud Logging reads them: JSON lines on stdout, one per request, nothing secret."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx2
import pytest

from scripts.fake_gemini import Behavior
from tests.e2e.servers import function_server
from tests.support import Env, parse_sse

pytestmark = pytest.mark.e2e

SECRET_QUESTION = "My card is 4111 1111 1111 1111, where is my parcel?"
ANSWER = ["Your parcel ", "is on its way."]


def _lines(path: Path) -> list[dict[str, Any]]:
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    return [json.loads(line) for line in lines]  # every line is JSON


def test_one_json_line_per_request_with_trace_labels_and_figures(env: Env, tmp_path: Path) -> None:
    env.fake.script(Behavior(chunks=ANSWER, times=2))
    log_file = tmp_path / "chat.log"
    server_env = {
        "DATABASE_URL": env.database_url,
        "GEMINI_API_KEY": "gemini-secret-key",
        "GEMINI_BASE_URL": env.fake.url,
        "GOOGLE_CLOUD_PROJECT": "shop-project",
        "CONVERSATION_TOKEN_SECRET": "token-secret",
    }
    with function_server("chat_stream", server_env, stdout=log_file) as url:
        response = httpx2.post(
            url,
            json={"message": SECRET_QUESTION},
            headers={"X-Cloud-Trace-Context": "4bf92f3577b34da6a3ce929d0e0e4736/1234;o=1"},
            timeout=30,
        )
        meta = parse_sse(response.text)[0][0].data
        for _ in range(2):  # a retried send: the unique-constraint path must not log the text
            httpx2.post(
                url,
                json={
                    "message": SECRET_QUESTION,
                    "conversation_id": meta["conversation_id"],
                    "client_message_id": "m-1",
                },
                headers={"X-Conversation-Token": meta["conversation_token"]},
                timeout=30,
            )
        bad = httpx2.post(url, content=b"{nope", headers={"Content-Type": "application/json"}, timeout=10)
        assert bad.status_code == 400

    lines = _lines(log_file)
    requests = [line for line in lines if "httpRequest" in line]
    assert len(requests) == 4
    chat_line, bad_line = requests[0], requests[-1]
    assert chat_line["severity"] == "INFO"
    assert (
        chat_line["logging.googleapis.com/trace"]
        == "projects/shop-project/traces/4bf92f3577b34da6a3ce929d0e0e4736"
    )
    assert chat_line["logging.googleapis.com/labels"]["conversation_id"] == meta["conversation_id"]
    assert chat_line["logging.googleapis.com/labels"]["message_id"] == meta["assistant_message_id"]
    assert chat_line["httpRequest"]["requestMethod"] == "POST"
    assert chat_line["httpRequest"]["status"] == 200
    assert chat_line["httpRequest"]["latency"].endswith("s")
    assert chat_line["time_to_first_token_ms"] is not None
    assert chat_line["input_tokens"] > 0
    assert chat_line["output_tokens"] > 0
    assert chat_line["finish_reason"] == "stop"
    assert chat_line["model"] == "gemini-2.5-flash"
    assert chat_line["cost_usd"] > 0
    assert bad_line["severity"] == "WARNING"
    assert bad_line["httpRequest"]["status"] == 400

    text = log_file.read_text()
    for secret in (
        SECRET_QUESTION,
        "4111",
        "".join(ANSWER),
        meta["conversation_token"],
        "gemini-secret-key",
        "token-secret",
    ):
        assert secret not in text


def test_admin_requests_log_without_the_admin_token(env: Env, tmp_path: Path) -> None:
    log_file = tmp_path / "policies.log"
    server_env = {"DATABASE_URL": env.database_url, "ADMIN_TOKEN": "very-secret-admin"}
    with function_server("policies", server_env, stdout=log_file) as url:
        ok = httpx2.put(
            f"{url}/gift-cards",
            json={"title": "Gift cards", "content": "Never expire: secret-policy-text"},
            headers={
                "Authorization": "Bearer very-secret-admin",
                "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            },
            timeout=10,
        )
        denied = httpx2.get(url, headers={"Authorization": "Bearer wrong-guess"}, timeout=10)

    assert (ok.status_code, denied.status_code) == (201, 401)
    requests = [line for line in _lines(log_file) if "httpRequest" in line]
    assert [line["httpRequest"]["status"] for line in requests] == [201, 401]
    # Each line names its route (the console's many calls all go to one function).
    assert [line["message"] for line in requests] == ["PUT /policies/gift-cards 201", "GET /policies 401"]
    assert requests[0]["logging.googleapis.com/trace"] == "0af7651916cd43dd8448eb211c80319c"
    text = log_file.read_text()
    for secret in ("very-secret-admin", "wrong-guess", "secret-policy-text"):
        assert secret not in text


def test_a_head_request_for_a_stream_is_logged_too(env: Env, tmp_path: Path) -> None:
    """A HEAD gets the GET's headers and no body: its stream never runs, and its line is written
    at once rather than when a stream would end."""
    env.fake.script(Behavior(chunks=ANSWER))
    log_file = tmp_path / "history.log"
    server_env = {"DATABASE_URL": env.database_url, "GEMINI_API_KEY": "k", "GEMINI_BASE_URL": env.fake.url}
    with (
        function_server("chat_stream", server_env) as chat,
        function_server("history", server_env, stdout=log_file) as history,
    ):
        meta = parse_sse(httpx2.post(chat, json={"message": "Hello"}, timeout=30).text)[0][0].data
        head = httpx2.head(
            f"{history}/events",
            params={"conversation_id": meta["conversation_id"]},
            headers={"X-Conversation-Token": meta["conversation_token"]},
            timeout=10,
        )

    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-type"].startswith("text/event-stream")
    requests = [line["httpRequest"] for line in _lines(log_file) if "httpRequest" in line]
    assert [(r["requestMethod"], r["status"]) for r in requests] == [("HEAD", 200)]
