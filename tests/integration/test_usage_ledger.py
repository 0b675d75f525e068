"""Every answer's tokens, timings and estimated cost, and the admin's usage summary."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from scripts.fake_gemini import Behavior
from tests.conftest import make_client
from tests.support import Env, send

ADMIN = {"Authorization": "Bearer admin"}


@pytest.fixture
def admin(env: Env) -> FlaskClient:
    env.set(ADMIN_TOKEN="admin", KNOWLEDGE_FALLBACK="false")
    return make_client("policies")


def test_each_answer_records_its_estimated_cost(env: Env, chat: FlaskClient) -> None:
    env.set(
        MODEL_PRICES='{"gemini-2.5-flash": {"input_per_million": 1000000, "output_per_million": 2000000}}'
    )
    chat = make_client("chat_stream")

    turn = send(chat, "hi")

    usage = turn.last.data["usage"]
    row = env.query("SELECT cost_usd, input_tokens, output_tokens FROM messages WHERE role = 'assistant'")[0]
    assert (row.input_tokens, row.output_tokens) == (usage["input_tokens"], usage["output_tokens"])
    assert row.cost_usd == pytest.approx(usage["input_tokens"] * 1 + usage["output_tokens"] * 2)


def test_a_model_without_a_price_records_no_cost(env: Env) -> None:
    env.set(GEMINI_MODEL="some-future-model")
    send(make_client("chat_stream"), "hi")

    assert env.query("SELECT cost_usd FROM messages WHERE role = 'assistant'")[0].cost_usd is None


def test_the_usage_summary_counts_tokens_cost_latency_and_errors(env: Env, admin: FlaskClient) -> None:
    chat = make_client("chat_stream")
    env.fake.script(Behavior(chunks=["a"]), Behavior(chunks=["b"]), Behavior(kind="error", status=400))
    first = send(chat, "one")
    send(chat, "two", conversation_id=first.meta["conversation_id"], token=first.meta["conversation_token"])
    send(chat, "three")
    env.wait_for_answers()

    summary = admin.get("/_analytics?hours=1", headers=ADMIN).get_json()

    assert summary["conversations"] == 2
    assert summary["messages"] == {"questions": 3, "answers": 3}
    tokens = env.query(
        "SELECT sum(input_tokens) AS i, sum(output_tokens) AS o, sum(cost_usd) AS c FROM messages"
    )[0]
    assert summary["tokens"] == {"input": tokens.i, "output": tokens.o}
    assert summary["cost_usd"] == pytest.approx(float(tokens.c), abs=1e-6)
    assert summary["answers_by_status"]["complete"] == 2
    assert summary["answers_by_status"]["failed"] == 1
    assert summary["rates"]["error"] == pytest.approx(1 / 3, abs=1e-3)
    assert summary["time_to_first_token_ms"]["p50"] is not None
    assert summary["time_to_first_token_ms"]["p95"] >= summary["time_to_first_token_ms"]["p50"]
    assert summary["by_model"][0]["model"] == "gemini-2.5-flash"


def test_the_usage_summary_is_for_admins_only(env: Env, admin: FlaskClient) -> None:
    assert admin.get("/_analytics").status_code == 401
    assert admin.get("/_analytics", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert admin.get("/_analytics?hours=0", headers=ADMIN).get_json()["error"]["code"] == "invalid_hours"
