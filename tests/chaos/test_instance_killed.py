"""An instance is SIGKILLed mid-answer while a second one keeps serving: nothing the shopper saw
is lost, the answer does not stay "streaming", resume and retry answer within the target,
nothing is stored twice."""

from __future__ import annotations

import os
import time
import uuid

import pytest

from common.tokens import new_token
from scripts.fake_gemini import Behavior
from tests.chaos.streams import Shopper, kill_server, report, resume
from tests.e2e.servers import function_server
from tests.support import Env

pytestmark = pytest.mark.e2e

# Short leases keep the suite fast; CHAOS_LEASE_SECONDS=15 measures the defaults.
LEASE = float(os.environ.get("CHAOS_LEASE_SECONDS", "3"))
TARGET_SECONDS = 30.0
CHUNKS = [f"part{n:02d} " for n in range(12)]


def _env(env: Env) -> dict[str, str]:
    return {
        "DATABASE_URL": env.database_url,
        "GEMINI_API_KEY": "test-key",
        "GEMINI_BASE_URL": env.fake.url,
        "CONVERSATION_TOKEN_SECRET": "chaos-secret",
        "CHECKPOINT_INTERVAL_SECONDS": "0.5",
        "ANSWER_LEASE_SECONDS": str(LEASE),
        "LEASE_RENEW_SECONDS": str(LEASE / 3),
        "LEASE_SWEEP_SECONDS": "1",
    }


def test_a_killed_instances_answer_is_resolved_and_resumed_elsewhere(env: Env) -> None:
    env.fake.script(Behavior(chunks=CHUNKS, gap=0.4), Behavior(chunks=["Answered ", "again."]))
    cid, token = str(uuid.uuid4()), new_token()
    with (
        function_server("chat_stream", _env(env)) as doomed,
        function_server("chat_stream", _env(env)) as survivor,
    ):
        shopper = Shopper(
            doomed,
            {"message": "tell me", "conversation_id": cid, "client_message_id": "m-1"},
            {"X-Conversation-Token": token},
        ).start()
        shopper.wait_for_text(len("".join(CHUNKS[:5])))
        kill_server(int(doomed.rsplit(":", 1)[1]))
        killed_at = time.monotonic()
        shopper.join()
        seen = shopper.text
        message_id = shopper.meta["assistant_message_id"]

        resumed = resume(survivor, message_id, token, shopper.last_id)
        resumed_after = time.monotonic() - killed_at
        row = env.query("SELECT status, content, error_code FROM messages WHERE id = :id", id=message_id)[0]

        retried = Shopper(
            survivor,
            {"message": "tell me", "conversation_id": cid, "client_message_id": "m-1"},
            {"X-Conversation-Token": token},
        ).start()
        retried.join()
        retried_after = time.monotonic() - killed_at

    assert shopper.broken and shopper.final is None  # the connection died with the instance
    assert resumed.final is not None and resumed.final[0] == "error"
    assert resumed.final[1]["code"] == "answer_lost"
    assert resumed_after <= TARGET_SECONDS
    assert (row.status, row.error_code) == ("interrupted", "answer_lost")
    # Text is shown once saved (STREAM_DURABILITY=saved): everything the shopper saw is kept.
    assert row.content.startswith(seen) and len(seen) >= len("".join(CHUNKS[:5]))
    unseen = len(row.content) - len(seen)
    assert retried.final is not None and retried.final[0] == "done"
    assert retried.text == "Answered again."
    rows = env.query(
        "SELECT role, status FROM messages WHERE conversation_id = :cid ORDER BY position", cid=cid
    )
    assert [(r.role, r.status) for r in rows] == [
        ("user", "complete"),
        ("assistant", "interrupted"),
        ("assistant", "complete"),
    ]  # one question, stored once
    assert env.query("SELECT count(*) AS n FROM messages WHERE status = 'streaming'")[0].n == 0
    report(
        f"instance SIGKILL (lease {LEASE:.0f} s): resume answered answer_lost {resumed_after:.1f} s after the kill, "
        f"retry answered anew {retried_after:.1f} s after; shopper saw {len(seen)} chars, "
        f"{len(row.content)} kept ({unseen} saved but not yet shown when the instance died)"
    )


def test_nobody_coming_back_the_sweep_resolves_it(env: Env) -> None:
    env.fake.script(Behavior(chunks=CHUNKS, gap=0.4))
    with (
        function_server("chat_stream", _env(env)) as doomed,
        function_server("chat_stream", _env(env)) as survivor,
    ):
        Shopper(
            survivor, {"message": "wake the survivor"}
        ).start().join()  # its sweep starts with its first request
        env.fake.script(Behavior(chunks=CHUNKS, gap=0.4))
        shopper = Shopper(doomed, {"message": "tell me"}).start()
        shopper.wait_for_text(len("".join(CHUNKS[:3])))
        kill_server(int(doomed.rsplit(":", 1)[1]))
        killed_at = time.monotonic()
        message_id = shopper.meta["assistant_message_id"]
        status = "streaming"
        while status == "streaming" and time.monotonic() - killed_at < TARGET_SECONDS + 5:
            status = env.query("SELECT status FROM messages WHERE id = :id", id=message_id)[0].status
            time.sleep(0.1)
        resolved_after = time.monotonic() - killed_at

    assert status == "interrupted"
    assert resolved_after <= TARGET_SECONDS
    report(
        f"instance SIGKILL, no traffic (lease {LEASE:.0f} s, sweep 1 s): row resolved {resolved_after:.1f} s after the kill"
    )
