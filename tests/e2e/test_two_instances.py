"""Two instances against one database: an admin edit on one reaches the other within the TTL."""

from __future__ import annotations

import time

import httpx2
import pytest

from tests.e2e.servers import function_server
from tests.support import Env, parse_sse

pytestmark = pytest.mark.e2e


def _ask(url: str, question: str) -> None:
    response = httpx2.post(url, json={"message": question}, timeout=30)
    events, _ = parse_sse(response.text)
    assert events[-1].event == "done", response.text


def test_policy_edit_on_one_instance_reaches_another_within_the_ttl(env: Env) -> None:
    # Long enough that 'right after the edit' is surely within it, even on a loaded machine.
    ttl = 3.0
    common_env = {
        "DATABASE_URL": env.database_url,
        "GEMINI_API_KEY": "test-key",
        "GEMINI_BASE_URL": env.fake.url,
        "POLICY_CACHE_TTL_SECONDS": str(ttl),
        "ADMIN_TOKEN": "admin-token",
    }
    new_text = "Shipping is free worldwide, always."
    with (
        function_server("policies", common_env) as admin_url,
        function_server("chat_stream", common_env) as chat_url,
    ):
        _ask(chat_url, "warm up")
        edited_at = time.monotonic()
        response = httpx2.put(
            f"{admin_url}/shipping",
            json={"title": "Shipping", "content": new_text},
            headers={"Authorization": "Bearer admin-token"},
            timeout=10,
        )
        assert response.status_code == 200
        _ask(chat_url, "right after the edit")
        seen_after = None
        while time.monotonic() - edited_at < ttl + 2:
            _ask(chat_url, "later")
            if new_text in env.fake.stream_requests()[-1].system_instruction:
                seen_after = time.monotonic() - edited_at
                break
            time.sleep(0.1)

    instructions = [r.system_instruction for r in env.fake.stream_requests()]
    assert new_text not in instructions[0]
    assert new_text not in instructions[1]  # the other instance still serves its cached copy
    assert seen_after is not None
    # Within the TTL of the last refresh (which came before the edit), plus one request's time.
    assert seen_after <= ttl + 1.5
