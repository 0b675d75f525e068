"""The small pieces, each on its own: URLs, prompts, relays, SSE ids, traces, tokens, costs."""

from __future__ import annotations

import ssl
import threading
import time
import uuid

import pytest

from common.chat.events import Delta, error_event
from common.chat.outcome import estimate_cost
from common.chat.prompt import build_prompt, estimate_tokens
from common.chat.relay import AnswerChannel
from common.db import normalize_url
from common.gemini import normalize_finish_reason
from common.knowledge import DEFAULT_KNOWLEDGE
from common.knowledge.answering.answerer import KnowledgeAnswerer
from common.knowledge.search.retrieval import KnowledgeIndex
from common.llm import Turn
from common.logs import parse_trace
from common.sse import encode, parse_last_event_id
from common.tokens import TokenKeys, new_token
from tests.fakes import FakeLLM


def test_a_neon_url_is_turned_into_pg8000_with_an_ssl_context() -> None:
    url, args = normalize_url(
        "postgresql://app:pw@ep-cool-1.eu-central-1.aws.neon.tech/shop?sslmode=require&channel_binding=require"
    )

    assert url.drivername == "postgresql+pg8000"
    assert dict(url.query) == {}
    assert isinstance(args["ssl_context"], ssl.SSLContext)
    assert args["ssl_context"].verify_mode == ssl.CERT_NONE  # libpq's "require" does not verify


def test_verify_full_verifies_the_certificate() -> None:
    _, args = normalize_url("postgres://app@db.example.com/shop?sslmode=verify-full")

    assert args["ssl_context"].verify_mode == ssl.CERT_REQUIRED
    assert args["ssl_context"].check_hostname


def test_local_and_socket_urls_skip_ssl() -> None:
    _, local = normalize_url("postgresql://postgres@127.0.0.1:5432/test")
    url, socket = normalize_url("postgresql://postgres:@/postgres?host=/tmp/pg")
    _, remote = normalize_url("postgresql://app@db.example.com/shop")

    assert local["ssl_context"] is False
    assert socket == {"unix_sock": "/tmp/pg/.s.PGSQL.5432", "ssl_context": False}
    assert "host" not in url.query
    assert "ssl_context" not in remote  # pg8000 then tries SSL, like libpq's "prefer"


def test_the_prompt_keeps_the_newest_turns_within_budget_and_starts_with_the_user() -> None:
    history = [Turn("user" if n % 2 == 0 else "model", f"turn {n} " + "x" * 60) for n in range(40)]

    prompt = build_prompt(system_instruction="rules", history=history, message="newest", budget=200)

    assert prompt.turns[-1] == Turn("user", "newest")
    assert prompt.turns[0].role == "user"
    assert sum(estimate_tokens(t.text) for t in prompt.turns) <= 200
    assert prompt.turns[-2].text.startswith("turn 39")


def test_an_oversized_newest_message_is_still_sent() -> None:
    prompt = build_prompt(system_instruction="rules", history=[], message="y" * 5000, budget=100)

    assert prompt.turns == [Turn("user", "y" * 5000)]


def test_the_channel_hands_chunks_to_a_late_reader_from_any_offset() -> None:
    channel = AnswerChannel()
    for chunk in ("Hel", "lo ", "world"):
        channel.publish(chunk)
    end = error_event("internal_error")
    channel.close(end)

    assert channel.read(0, 0) == (["Hel", "lo ", "world"], end)
    assert channel.read(4, 0) == (["o ", "world"], end)
    assert channel.read(11, 0) == ([], end)


def test_a_waiting_reader_wakes_when_a_chunk_arrives() -> None:
    channel = AnswerChannel()
    threading.Timer(0.05, channel.publish, args=("hi",)).start()
    started = time.monotonic()

    chunks, final = channel.read(0, timeout=5)

    assert (chunks, final) == (["hi"], None)
    assert time.monotonic() - started < 2


def test_unsaved_chunks_reach_readers_once_shown_and_the_ending_only_after_all_text() -> None:
    channel = AnswerChannel()
    for chunk in ("Hel", "lo ", "world"):
        channel.publish(chunk, shown=False)
    end = error_event("internal_error")

    assert channel.read(0, 0) == ([], None)
    channel.show(5)  # "Hello" is saved
    assert channel.read(0, 0) == (["Hel", "lo"], None)
    assert channel.read(4, 0) == (["o"], None)
    channel.show(3)  # an older save reported late changes nothing
    assert channel.read(5, 0) == ([], None)
    channel.close(end)  # the ending shows the rest
    assert channel.read(5, 0) == ([" ", "world"], end)


def test_a_waiting_reader_wakes_when_its_text_is_shown() -> None:
    channel = AnswerChannel()
    channel.publish("hi", shown=False)
    threading.Timer(0.05, channel.show, args=(2,)).start()
    started = time.monotonic()

    chunks, final = channel.read(0, timeout=5)

    assert (chunks, final) == (["hi"], None)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    ("header", "offset"),
    [
        (None, 0),
        ("m1:12", 12),
        ("M1:12", 12),  # an id in upper case is the same message (resuming must not repeat text)
        ("m2:12", 0),
        ("m1:x", 0),
        ("m1:²", 0),
        ("garbage", 0),
        ("a:b:m1:3", 0),
    ],
)
def test_last_event_id_parsing(header: str | None, offset: int) -> None:
    assert parse_last_event_id(header, "m1") == offset


def test_sse_events_are_single_data_lines() -> None:
    message_id = uuid.UUID(int=9)

    assert list(encode([Delta(message_id, "two\nlines", 9)])) == [
        f'id: {message_id}:9\nevent: delta\ndata: {{"text":"two\\nlines"}}\n\n'
    ]


def test_traces_from_either_header() -> None:
    assert parse_trace("105445aa7843bc8bf206b12000100000/1;o=1", None, "proj") == (
        "projects/proj/traces/105445aa7843bc8bf206b12000100000",
        "1",
    )
    assert parse_trace(None, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", None) == (
        "0af7651916cd43dd8448eb211c80319c",
        "b7ad6b7169203331",
    )
    assert parse_trace(None, "junk", "proj") == (None, None)


def test_tokens_are_random_and_only_match_their_keyed_hash() -> None:
    token = new_token()
    stored = TokenKeys("secret").hash(token)

    assert new_token() != token
    assert len(token) >= 40
    assert TokenKeys("secret").matches(token, stored)
    assert not TokenKeys("other-secret").matches(token, stored)
    assert not TokenKeys("secret").matches(token + "x", stored)
    assert not TokenKeys("secret").matches(None, stored)


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("STOP", "stop"),
        ("MAX_TOKENS", "length"),
        ("SAFETY", "safety"),
        ("PROHIBITED_CONTENT", "safety"),
        (None, "stop"),
    ],
)
def test_finish_reasons(raw: str | None, normalized: str) -> None:
    assert normalize_finish_reason(raw) == normalized


def test_cost_estimates() -> None:
    prices = {"m": (0.30, 2.50)}

    model, unknown = FakeLLM([]), FakeLLM([])
    model.model, unknown.model = "m", "unknown"

    assert estimate_cost(prices, model, 1_000_000, 1_000_000) == pytest.approx(2.80)
    assert estimate_cost(prices, unknown, 10, 10) is None
    assert estimate_cost(prices, KnowledgeAnswerer(DEFAULT_KNOWLEDGE), None, None) == 0.0


@pytest.mark.parametrize(
    ("question", "key"),
    [
        ("How long does shipping take?", "delivery"),  # the times live in Delivery times (issue 12)
        ("How much is express shipping?", "shipping"),
        ("How long is delivery to France?", "delivery"),
        ("Can I return a sale item?", "returns"),
        ("When do I get my refund?", "returns"),
        ("What are your support hours?", "support-hours"),
        ("Can I cancel my order?", "faq-cancel-order"),
        ("Do you accept PayPal?", "faq-payment-methods"),
        ("My item arrived broken", "faq-damaged-item"),
    ],
)
def test_the_knowledge_index_finds_the_entry_a_shopper_means(question: str, key: str) -> None:
    match = KnowledgeIndex(DEFAULT_KNOWLEDGE).best(question)

    assert match is not None
    assert match.entry.key == key


def test_an_unrelated_question_matches_nothing() -> None:
    assert KnowledgeIndex(DEFAULT_KNOWLEDGE).best("What is the meaning of life?") is None
