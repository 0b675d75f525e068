"""Postgres is killed (SIGKILL of its postmaster) while an answer streams, then comes back:
the shopper gets the whole answer and ``done``, and the answer is stored complete once the
database is back, exactly once."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from common.db import create_db_engine
from common.migrate import upgrade_to_head
from scripts.fake_gemini import Behavior
from tests.chaos.streams import Shopper, report, resume
from tests.e2e.servers import function_server
from tests.support import Env

pytestmark = pytest.mark.e2e

CHUNKS = [f"piece{n} " for n in range(8)]
TARGET_SECONDS = 30.0


@pytest.fixture
def own_postgres(tmp_path: Path) -> Iterator[Any]:
    """An embedded Postgres of this test's own (never the machine's server on 5432)."""
    import pgserver

    server = pgserver.get_server(tmp_path / "pg", cleanup_mode="delete")
    try:
        yield server
    finally:
        with contextlib.suppress(subprocess.CalledProcessError, OSError):
            server.cleanup()


def _restart(server: Any) -> None:
    """Start the killed server again (its backends may take a moment to notice and exit)."""
    until = time.monotonic() + 20
    while True:
        try:
            server.ensure_postgres_running()
            return
        except subprocess.CalledProcessError:
            if time.monotonic() > until:
                raise
            time.sleep(0.5)


def test_an_answer_streaming_while_postgres_dies_is_saved_once_it_is_back(
    env: Env, own_postgres: Any
) -> None:
    url = own_postgres.get_uri("postgres")
    upgrade_to_head(url)
    engine = create_db_engine(url, pool_size=1)
    env.fake.script(Behavior(chunks=CHUNKS, gap=0.5))
    server_env = {
        "DATABASE_URL": url,
        "GEMINI_API_KEY": "test-key",
        "GEMINI_BASE_URL": env.fake.url,
        "CONVERSATION_TOKEN_SECRET": "chaos-secret",
        "ANSWER_LEASE_SECONDS": "3",
        "LEASE_RENEW_SECONDS": "1",
        "LEASE_SWEEP_SECONDS": "1",
        "FINAL_SAVE_WINDOW_SECONDS": "60",
    }
    with function_server("chat_stream", server_env) as chat:
        shopper = Shopper(chat, {"message": "tell me", "client_message_id": "m-1"}).start()
        shopper.wait_for_text(len("".join(CHUNKS[:2])))
        os.kill(own_postgres.get_pid(), signal.SIGKILL)
        shopper.join()
        message_id = shopper.meta["assistant_message_id"]
        token = shopper.meta["conversation_token"]

        time.sleep(2)
        _restart(own_postgres)
        back_at = time.monotonic()
        row: Any = None
        while time.monotonic() - back_at < TARGET_SECONDS:
            try:
                with engine.connect() as conn:
                    row = conn.execute(
                        sa.text("SELECT status, content FROM messages WHERE id = :id"), {"id": message_id}
                    ).one()
                if row.status != "streaming":
                    break
            except sa.exc.DBAPIError:
                pass
            time.sleep(0.2)
        saved_after = time.monotonic() - back_at
        started = time.monotonic()
        replayed = resume(chat, message_id, token, f"{message_id}:0")
        replay_seconds = time.monotonic() - started
        with engine.connect() as conn:
            counts = conn.execute(
                sa.text("SELECT role, count(*) AS n FROM messages GROUP BY role ORDER BY role")
            ).all()
            streaming = conn.execute(
                sa.text("SELECT count(*) FROM messages WHERE status = 'streaming'")
            ).scalar()
    engine.dispose()

    assert shopper.final is not None and shopper.final[0] == "done"  # done as soon as the model finished
    assert shopper.text == "".join(CHUNKS)
    assert replayed.text == shopper.text and replayed.final is not None and replayed.final[0] == "done"
    assert row is not None and (row.status, row.content) == ("complete", shopper.text)  # nothing seen is lost
    assert [(r.role, r.n) for r in counts] == [("assistant", 1), ("user", 1)]  # nothing stored twice
    assert streaming == 0
    assert saved_after <= TARGET_SECONDS
    report(
        f"Postgres SIGKILL mid-answer: shopper got done with all {len(shopper.text)} chars; answer stored "
        f"complete {saved_after:.1f} s after Postgres was back (1 answer row); a resume then replayed it "
        f"in {replay_seconds:.2f} s"
    )
