"""200 concurrent conversations of 3 turns each: every message stored exactly once, in order."""

from __future__ import annotations

import threading

import httpx2
import pytest

from scripts.fake_gemini import Behavior
from tests.e2e.servers import function_server
from tests.support import Env, parse_sse

pytestmark = pytest.mark.e2e

CONVERSATIONS = 200
TURNS = 3


def _converse(url: str, index: int, failures: list[str], ids: dict[int, str]) -> None:
    conversation_id, token = None, None
    with httpx2.Client(timeout=120) as client:
        for turn in range(TURNS):
            body: dict[str, str] = {
                "message": f"conversation {index} turn {turn}",
                "client_message_id": f"c{index}t{turn}",
            }
            headers = {}
            if conversation_id:
                body["conversation_id"] = conversation_id
                headers["X-Conversation-Token"] = token or ""
            response = client.post(url, json=body, headers=headers)
            events, _ = parse_sse(response.text)
            if response.status_code != 200 or events[-1].event != "done":
                failures.append(f"{index}/{turn}: {response.status_code} {response.text[-200:]}")
                return
            conversation_id, token = events[0].data["conversation_id"], events[0].data["conversation_token"]
    ids[index] = conversation_id or ""


def test_200_concurrent_conversations_store_every_message_once_in_order(env: Env) -> None:
    env.fake.default = Behavior(chunks=["Sure, ", "here ", "you ", "go."], gap=0.01)
    server_env = {
        "DATABASE_URL": env.database_url,
        "GEMINI_API_KEY": "test-key",
        "GEMINI_BASE_URL": env.fake.url,
        "RATE_LIMIT_PER_CLIENT": "",
        "RATE_LIMIT_PER_CONVERSATION": "",
    }
    failures: list[str] = []
    ids: dict[int, str] = {}
    try:
        with function_server("chat_stream", server_env, threads=64) as url:
            threads = [
                threading.Thread(target=_converse, args=(url, i, failures, ids)) for i in range(CONVERSATIONS)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    finally:
        env.fake.default = Behavior()

    assert failures == []
    rows = env.query(
        "SELECT conversation_id::text AS cid, position, role, content, status FROM messages ORDER BY conversation_id, position"
    )
    assert len(rows) == CONVERSATIONS * TURNS * 2
    by_conversation: dict[str, list[object]] = {}
    for row in rows:
        by_conversation.setdefault(row.cid, []).append(row)
    for index, conversation_id in ids.items():
        messages = by_conversation[conversation_id]
        assert [m.position for m in messages] == list(range(1, 2 * TURNS + 1))
        assert [m.content for m in messages[::2]] == [f"conversation {index} turn {t}" for t in range(TURNS)]
        assert all(
            m.role == "assistant" and m.status == "complete" and m.content == "Sure, here you go."
            for m in messages[1::2]
        )
    assert len(env.fake.stream_requests()) == CONVERSATIONS * TURNS
