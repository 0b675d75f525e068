"""An instance stopped normally (Ctrl+C on ``make dev``, a worker exiting) mid-answer lets go
of the answers it was writing: a shopper who reloads gets the kept text and ``answer_lost`` at
once, not after the lease (15 s) runs out."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import httpx2
import pytest

from common.config import REPO_ROOT
from scripts.fake_gemini import Behavior
from scripts.local import free_port, wait_for_port
from tests.chaos.streams import Shopper, report, resume
from tests.e2e.servers import function_process, function_server
from tests.support import Env, parse_sse

pytestmark = pytest.mark.e2e

CHUNKS = [f"part{n:02d} " for n in range(30)]


def test_a_stopped_instance_lets_go_of_its_answers_at_once(env: Env) -> None:
    env.fake.script(Behavior(chunks=CHUNKS, gap=0.3))
    settings = {
        "DATABASE_URL": env.database_url,
        "GEMINI_API_KEY": "test-key",
        "GEMINI_BASE_URL": env.fake.url,
        "CONVERSATION_TOKEN_SECRET": "chaos-secret",
        "ANSWER_LEASE_SECONDS": "15",  # the default: waiting it out would take 15 s
    }
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "scripts.devserver"],
        cwd=REPO_ROOT,
        env={**os.environ, **settings, "PORT": str(port), "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, server)
        shopper = Shopper(f"http://127.0.0.1:{port}/chat_stream", {"message": "tell me"}).start()
        shopper.wait_for_text(len("".join(CHUNKS[:4])))
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=20) == 0
    finally:
        if server.poll() is None:
            server.kill()
    stopped_at = time.monotonic()
    shopper.join()
    message_id = shopper.meta["assistant_message_id"]

    with function_server("chat_stream", settings) as other:
        resumed = resume(other, message_id, shopper.meta["conversation_token"], shopper.last_id)
    resumed_after = time.monotonic() - stopped_at
    row = env.query("SELECT status, content, error_code FROM messages WHERE id = :id", id=message_id)[0]

    assert resumed.final is not None and resumed.final[1]["code"] == "answer_lost"
    assert resumed_after < 5  # not the 15 s lease (a server's start included)
    assert (row.status, row.error_code) == ("interrupted", "answer_lost")
    assert row.content.startswith(shopper.text)  # everything the shopper saw is kept
    report(f"make dev stopped mid-answer: a resume answered answer_lost {resumed_after:.1f} s after the stop")


def test_a_stopping_instance_ends_its_event_streams_and_exits_by_itself(env: Env) -> None:
    """A page following a conversation (``/history/events``) holds its stream open for up to ten
    minutes: a stopping instance (SIGTERM, as Cloud Run sends it 10 s before SIGKILL) ends it at
    once, so that it exits cleanly instead of being killed, and the page reconnects elsewhere."""
    env.fake.script(Behavior(chunks=["Hello."]))
    settings = {"DATABASE_URL": env.database_url, "GEMINI_API_KEY": "k", "GEMINI_BASE_URL": env.fake.url}
    with function_server("chat_stream", settings) as chat:
        meta = parse_sse(httpx2.post(chat, json={"message": "Hello"}, timeout=30).text)[0][0].data
    ended: list[str] = []

    def follow(url: str) -> None:
        params = {"conversation_id": meta["conversation_id"]}
        headers = {"X-Conversation-Token": meta["conversation_token"]}
        try:
            with httpx2.stream("GET", f"{url}/events", params=params, headers=headers, timeout=30) as stream:
                for _ in stream.iter_bytes():
                    ended.append("data")
            ended.append("end")
        except httpx2.HTTPError as exc:
            ended.append(type(exc).__name__)

    with function_process("history", settings) as (url, process):
        follower = threading.Thread(target=follow, args=(url,), daemon=True)
        follower.start()
        deadline = time.monotonic() + 10
        while "data" not in ended and time.monotonic() < deadline:  # its first `: ping`
            time.sleep(0.05)
        assert "data" in ended
        process.send_signal(signal.SIGTERM)
        # gunicorn waits up to 30 s for open requests; the stream ends within a second instead.
        exit_code = process.wait(timeout=8)
        follower.join(timeout=5)

    assert exit_code == 0
    assert ended[-1] == "end"  # a clean end of the stream, which the page reconnects after
