"""Policies from Postgres ground every answer; the cache keeps them off the hot path."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from common import runtime
from common.chat.prompt import SUMMARY_PREAMBLE, estimate_tokens
from common.db import create_db_engine
from common.knowledge import DEFAULT_KNOWLEDGE
from common.knowledge.cache import KnowledgeCache
from common.knowledge.store import load_knowledge
from common.unit_of_work import make_unit_of_work
from scripts.fake_gemini import Behavior
from tests.conftest import make_client
from tests.support import Env, send

ADMIN = {"Authorization": "Bearer admin-token"}


@contextmanager
def count_statements(pattern: str) -> Iterator[list[str]]:
    """Every SQL statement this instance's engine runs that mentions ``pattern``."""
    seen: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        if pattern in statement:
            seen.append(statement)

    engine = runtime.engine()
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def test_warm_chats_make_no_knowledge_queries(env: Env, chat: FlaskClient) -> None:
    send(chat, "warm-up")
    with count_statements("FROM knowledge_") as queries:
        for n in range(3):
            send(chat, f"question {n}")
        env.wait_for_answers()

    assert queries == []


def test_an_edit_reaches_the_next_chat_on_the_instance_that_saved_it_at_once(env: Env) -> None:
    """As in `make dev`: one process serves the console and the chat. (Other instances read
    it within their TTL: tests/e2e/test_two_instances.py.)"""
    env.set(POLICY_CACHE_TTL_SECONDS="60", ADMIN_TOKEN="admin-token")
    chat, admin = make_client("chat_stream"), make_client("policies")
    send(chat, "warm the cache")

    edited = admin.put(
        "/shipping", headers=ADMIN, json={"title": "Shipping", "content": "Free shipping on everything."}
    )
    assert edited.status_code == 200
    send(chat, "right after the edit")

    before, after = env.fake.stream_requests()[-2:]
    assert "Free shipping on everything." not in before.system_instruction
    assert "Free shipping on everything." in after.system_instruction
    versions = [
        r.knowledge_version
        for r in env.query(
            "SELECT knowledge_version FROM messages WHERE role='assistant' ORDER BY created_at"
        )
    ]
    assert versions == [1, 2]


def test_system_instruction_has_a_stable_structure(env: Env, chat: FlaskClient) -> None:
    send(chat, "hi")
    send(chat, "hi again")

    first, second = (r.system_instruction for r in env.fake.stream_requests())
    assert first == second
    role, rules, policies, faq = (
        first.index(h) for h in ("# Role", "# Rules", "# Shop policies", "# Frequent questions")
    )
    assert role < rules < policies < faq
    assert "support hours" in first
    assert "Never invent order" in first
    for entry in DEFAULT_KNOWLEDGE.entries:
        assert entry.content in first


def _cache_on(url_holder: list[str]) -> KnowledgeCache:
    """A cache whose loader reaches Postgres through the real repository, at a switchable URL."""
    engines = {url: create_db_engine(url, pool_size=1) for url in url_holder[1:]}

    def load() -> object:
        return load_knowledge(uow=make_unit_of_work(engines[url_holder[0]]))

    return KnowledgeCache(load, ttl_seconds=0.05, retry_seconds=0.05)  # type: ignore[arg-type]


def test_stale_knowledge_is_served_when_the_database_fails_during_refresh(env: Env) -> None:
    dead = make_url(env.database_url).set(host="127.0.0.1", port=1).render_as_string(hide_password=False)
    holder = [env.database_url, env.database_url, dead]
    cache = _cache_on(holder)
    env.execute("UPDATE knowledge_state SET version = 7")
    assert cache.get().version == 7

    holder[0] = dead
    time.sleep(0.06)

    assert cache.get().version == 7


def test_defaults_are_served_when_cold_and_the_database_is_down(env: Env) -> None:
    dead = make_url(env.database_url).set(host="127.0.0.1", port=1).render_as_string(hide_password=False)
    cache = _cache_on([dead, dead])

    assert cache.get() is DEFAULT_KNOWLEDGE


def test_gemini_failing_before_the_first_token_falls_back_to_the_knowledge_base(
    env: Env, chat: FlaskClient
) -> None:
    env.fake.script(Behavior(kind="error", status=503, times=3))

    turn = send(chat, "Can I return a sale item?")

    assert turn.last.event == "done"
    assert "Sale items can be returned for store credit only." in turn.text
    assert turn.last.data["sources"] == [{"key": "returns", "title": "Returns and refunds"}]
    assert len(env.fake.stream_requests()) == 3  # the SDK's bounded retries came first
    row = env.query("SELECT status, source, error_code, content FROM messages WHERE role='assistant'")[0]
    assert (row.status, row.source, row.error_code) == ("complete", "fallback", "model_unavailable")
    assert row.content == turn.text


def test_a_confident_faq_match_is_answered_without_a_model_call_when_enabled(env: Env) -> None:
    env.set(FAQ_DIRECT_ANSWER_MIN_SCORE="2.0")
    chat = make_client("chat_stream")

    faq = send(chat, "Which payment methods do you accept?")
    vague = send(chat, "Tell me something nice")

    assert faq.meta["answer_source"] == "knowledge"
    assert "PayPal" in faq.text
    assert vague.meta["answer_source"] == "model"
    assert len(env.fake.stream_requests()) == 1


def test_faq_matches_use_the_model_unless_enabled(env: Env, chat: FlaskClient) -> None:
    turn = send(chat, "Which payment methods do you accept?")

    assert turn.meta["answer_source"] == "model"
    assert len(env.fake.stream_requests()) == 1


def test_a_200_turn_conversation_is_summarised_and_stays_within_budget(env: Env) -> None:
    budget = 1500
    env.set(HISTORY_TOKEN_BUDGET=str(budget))
    chat = make_client("chat_stream")
    first = send(chat, "Turn 0: I live in Norway and want to return shoes.")
    cid, token = first.meta["conversation_id"], first.meta["conversation_token"]
    env.wait_for_answers()
    _grow_conversation(env, cid, turns=199)
    env.fake.script(
        Behavior(chunks=["Noted."]), Behavior(chunks=["The shopper lives in Norway; returning shoes."])
    )

    send(chat, "Turn 200: and the fee?", conversation_id=cid, token=token)
    _wait_for_summary(env, cid)  # written after the answer, off the hot path
    send(chat, "Turn 201: thanks", conversation_id=cid, token=token)

    summaries = [r for r in env.fake.requests if r.method == "generateContent"]
    assert len(summaries) == 1
    transcript = summaries[0].turns[0][1]
    assert "parcel 150" in transcript  # older turns are folded into the summary
    assert "parcel 199" not in transcript  # the newest ones stay verbatim
    prompt = env.fake.stream_requests()[-1]
    assert prompt.turns[0][1].startswith(SUMMARY_PREAMBLE)
    assert "The shopper lives in Norway" in prompt.turns[0][1]
    assert prompt.turns[-1] == ("user", "Turn 201: thanks")
    assert sum(estimate_tokens(text) for _, text in prompt.turns) <= budget


def _wait_for_summary(env: Env, conversation_id: str, timeout: float = 10) -> None:
    until = time.monotonic() + timeout
    while time.monotonic() < until:
        if env.query("SELECT summary FROM conversations WHERE id = :id", id=conversation_id)[0].summary:
            return
        time.sleep(0.02)
    raise AssertionError("no summary was written")


def _grow_conversation(env: Env, conversation_id: str, *, turns: int) -> None:
    """Append ``turns`` question/answer pairs directly (a factory, not 199 HTTP calls)."""
    with runtime.engine().begin() as conn:
        count = conn.execute(
            sa.text("SELECT message_count FROM conversations WHERE id = :id"), {"id": conversation_id}
        ).scalar_one()
        rows = []
        for n in range(1, turns + 1):
            for role, text in (
                ("user", f"Turn {n}: question about parcel {n}"),
                ("assistant", f"Answer {n}: " + "words " * 20),
            ):
                count += 1
                rows.append({"cid": conversation_id, "pos": count, "role": role, "content": text})
        conn.execute(
            sa.text(
                "INSERT INTO messages (id, conversation_id, position, role, content, status, created_at, updated_at)"
                " VALUES (gen_random_uuid(), :cid, :pos, :role, :content, 'complete', now(), now())"
            ),
            rows,
        )
        conn.execute(
            sa.text("UPDATE conversations SET message_count = :n WHERE id = :id"),
            {"n": count, "id": conversation_id},
        )
