"""Disconnects and resumes on real sockets, across two functions-framework instances."""

from __future__ import annotations

import json
import time

import httpx2
import pytest

from scripts.fake_gemini import Behavior
from tests.e2e.servers import function_server
from tests.support import Env, parse_sse

pytestmark = pytest.mark.e2e

CHUNKS = [f"chunk{n} " for n in range(10)]


def _server_env(env: Env) -> dict[str, str]:
    return {
        "DATABASE_URL": env.database_url,
        "GEMINI_API_KEY": "test-key",
        "GEMINI_BASE_URL": env.fake.url,
        "CHECKPOINT_INTERVAL_SECONDS": "0.2",
        "CONVERSATION_TOKEN_SECRET": "e2e-secret",
    }


def _read_some(url: str, deltas: int) -> tuple[dict[str, str], str, str]:
    """POST a question, read ``meta`` and ``deltas`` deltas, then hang up. Returns meta, text, last id."""
    meta: dict[str, str] = {}
    text, last_id, seen = "", "", 0
    with httpx2.stream("POST", url, json={"message": "tell me everything"}, timeout=30) as response:
        event = ""
        for line in response.iter_lines():
            if line.startswith("id: "):
                last_id = line[4:]
            elif line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                data = json.loads(line[6:])
                if event == "meta":
                    meta = data
                elif event == "delta":
                    text += data["text"]
                    seen += 1
                    if seen == deltas:
                        break
    return meta, text, last_id


def _wait_for_status(env: Env, message_id: str, timeout: float = 15) -> tuple[str, str]:
    until = time.monotonic() + timeout
    while time.monotonic() < until:
        row = env.query("SELECT status, content FROM messages WHERE id = :id", id=message_id)[0]
        if row.status != "streaming":
            return row.status, row.content
        time.sleep(0.1)
    raise AssertionError("the answer never finished")


def test_answer_is_kept_when_the_client_disconnects(env: Env) -> None:
    env.fake.script(Behavior(chunks=CHUNKS, gap=0.15))

    with function_server("chat_stream", _server_env(env)) as url:
        meta, text, _ = _read_some(url, deltas=2)
        assert text == "".join(CHUNKS[:2])
        status, content = _wait_for_status(env, meta["assistant_message_id"])

    assert (status, content) == ("complete", "".join(CHUNKS))


def test_another_instance_resumes_a_live_answer_from_last_event_id(env: Env) -> None:
    env.fake.script(Behavior(chunks=CHUNKS, gap=0.2))
    server_env = _server_env(env)

    with (
        function_server("chat_stream", server_env) as writer,
        function_server("chat_stream", server_env) as reader,
    ):
        meta, first_part, last_id = _read_some(writer, deltas=3)
        response = httpx2.get(
            reader,
            params={"message_id": meta["assistant_message_id"]},
            headers={"X-Conversation-Token": meta["conversation_token"], "Last-Event-ID": last_id},
            timeout=30,
        )

    events, _ = parse_sse(response.text)
    rest = "".join(e.data["text"] for e in events if e.event == "delta")
    assert first_part + rest == "".join(CHUNKS)
    assert events[-1].event == "done"
    assert events[-1].data["assistant_message_id"] == meta["assistant_message_id"]
    offsets = [int(e.id.rsplit(":", 1)[1]) for e in events if e.event == "delta" and e.id]
    assert offsets[0] > len(first_part)
    assert offsets[-1] == len("".join(CHUNKS))
    assert len(env.fake.stream_requests()) == 1


def test_a_finished_answer_replays_from_any_offset(env: Env) -> None:
    env.fake.script(Behavior(chunks=CHUNKS))

    with function_server("chat_stream", _server_env(env)) as url:
        turn = httpx2.post(url, json={"message": "hi"}, timeout=30)
        meta = parse_sse(turn.text)[0][0].data
        _wait_for_status(env, meta["assistant_message_id"])
        replay = httpx2.get(
            url,
            params={"message_id": meta["assistant_message_id"]},
            headers={
                "X-Conversation-Token": meta["conversation_token"],
                "Last-Event-ID": f"{meta['assistant_message_id']}:7",
            },
            timeout=30,
        )

    events, _ = parse_sse(replay.text)
    assert "".join(e.data["text"] for e in events if e.event == "delta") == "".join(CHUNKS)[7:]
    assert events[-1].event == "done"
