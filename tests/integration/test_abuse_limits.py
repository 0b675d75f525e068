"""Rate limits that hold across instances, and the CORS allowlist."""

from __future__ import annotations

import logging

import pytest
import redis

from tests.conftest import make_client
from tests.support import Env, send

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture(params=["postgres", "redis"])
def backend(request: pytest.FixtureRequest, env: Env) -> str:
    """Each rate-limit store: Postgres (the default) and Redis (with REDIS_URL)."""
    if request.param == "redis":
        redis.Redis.from_url(REDIS_URL).flushdb()
        env.set(REDIS_URL=REDIS_URL)
    return str(request.param)


def test_the_client_limit_answers_429_with_retry_after_and_writes_nothing(env: Env, backend: str) -> None:
    env.set(RATE_LIMIT_PER_CLIENT="2/minute")
    chat = make_client("chat_stream")
    send(chat, "one")
    send(chat, "two")
    env.wait_for_answers()

    response = chat.post("/", json={"message": "three"})

    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert env.count("messages") == 4


def test_a_send_repeated_over_the_limit_is_still_replayed(env: Env, backend: str) -> None:
    """A retry of an answered message stores nothing and calls no model: it is no new request to
    limit, and a page that retries after a dropped connection gets its answer, not a 429."""
    env.set(RATE_LIMIT_PER_CLIENT="2/minute", RATE_LIMIT_PER_CONVERSATION="2/minute")
    chat = make_client("chat_stream")
    first = send(chat, "one", client_message_id="m1")
    cid, token = first.meta["conversation_id"], first.meta["conversation_token"]
    send(chat, "two", conversation_id=cid, token=token, client_message_id="m2")
    env.wait_for_answers()
    model_calls = len(env.fake.requests)

    again = send(chat, "one", conversation_id=cid, token=token, client_message_id="m1")
    new = chat.post(
        "/",
        json={"message": "three", "conversation_id": cid, "client_message_id": "m3"},
        headers={"X-Conversation-Token": token},
    )
    reused = chat.post(
        "/",
        json={"message": "not one", "conversation_id": cid, "client_message_id": "m1"},
        headers={"X-Conversation-Token": token},
    )

    assert again.meta["assistant_message_id"] == first.meta["assistant_message_id"]
    assert again.text == first.text
    assert new.status_code == reused.status_code == 429  # anything else is limited as before
    assert env.count("messages") == 4
    assert len(env.fake.requests) == model_calls

    # An answer whose writer died is answered anew, a model call like any new message: limited.
    env.execute(
        "UPDATE messages SET status = 'streaming', lease_expires_at = now() - interval '1 minute' "
        "WHERE id = :id",
        id=first.meta["assistant_message_id"],
    )
    lost = chat.post(
        "/",
        json={"message": "one", "conversation_id": cid, "client_message_id": "m1"},
        headers={"X-Conversation-Token": token},
    )
    assert lost.status_code == 429


def test_the_limit_holds_across_instances(env: Env, backend: str) -> None:
    env.set(RATE_LIMIT_PER_CLIENT="2/minute")
    send(make_client("chat_stream"), "one on instance A")
    env.set(RATE_LIMIT_PER_CLIENT="2/minute")  # a fresh 'instance': new engine, new limiter
    send(make_client("chat_stream"), "two on instance B")
    env.set(RATE_LIMIT_PER_CLIENT="2/minute")

    response = make_client("chat_stream").post("/", json={"message": "three on instance C"})

    assert response.status_code == 429


def test_clients_are_told_apart_by_the_address_the_proxy_appended(env: Env) -> None:
    env.set(RATE_LIMIT_PER_CLIENT="1/minute", TRUSTED_PROXY_COUNT="1")  # as deployed behind Cloud Run
    chat = make_client("chat_stream")

    first = chat.post("/", json={"message": "hi"}, headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.1"})
    spoofed = chat.post("/", json={"message": "hi"}, headers={"X-Forwarded-For": "7.7.7.7, 203.0.113.1"})
    other = chat.post("/", json={"message": "hi"}, headers={"X-Forwarded-For": "203.0.113.2"})

    assert first.status_code == 200
    assert spoofed.status_code == 429  # the client-supplied part is ignored
    assert other.status_code == 200


def test_locally_x_forwarded_for_is_not_trusted(env: Env) -> None:
    env.set(RATE_LIMIT_PER_CLIENT="1/minute")  # TRUSTED_PROXY_COUNT defaults to 0
    chat = make_client("chat_stream")

    first = chat.post("/", json={"message": "hi"}, headers={"X-Forwarded-For": "6.6.6.6"})
    dodging = chat.post("/", json={"message": "hi"}, headers={"X-Forwarded-For": "7.7.7.7"})

    assert first.status_code == 200
    assert dodging.status_code == 429


def test_the_conversation_limit(env: Env) -> None:
    env.set(RATE_LIMIT_PER_CONVERSATION="2/minute")
    chat = make_client("chat_stream")
    first = send(chat, "one")  # the first message, which creates the conversation, counts too
    cid, token = first.meta["conversation_id"], first.meta["conversation_token"]
    send(chat, "two", conversation_id=cid, token=token)

    response = chat.post(
        "/", json={"message": "three", "conversation_id": cid}, headers={"X-Conversation-Token": token}
    )
    stranger = chat.post(
        "/", json={"message": "x", "conversation_id": cid}, headers={"X-Conversation-Token": "g" * 43}
    )

    assert response.status_code == 429
    assert stranger.status_code == 404  # outsiders neither use up nor learn about the limit


def test_a_refused_origin_is_named_in_the_log_once(env: Env, caplog: pytest.LogCaptureFixture) -> None:
    env.set(ALLOWED_ORIGINS="https://shop.example")
    chat = make_client("chat_stream")

    with caplog.at_level(logging.WARNING, logger="common.http"):
        for _ in range(3):
            chat.options(
                "/", headers={"Origin": "https://new-shop.example", "Access-Control-Request-Method": "POST"}
            )
        chat.post("/", json={"message": "hi"}, headers={"Origin": "http://localhost"})  # its own host

    refused = [r.getMessage() for r in caplog.records if "no CORS headers" in r.getMessage()]
    assert len(refused) == 1, refused
    assert "https://new-shop.example" in refused[0] and "ALLOWED_ORIGINS" in refused[0]


@pytest.mark.parametrize(
    "origins", ["https://shop.example/chat", "shop.example", "https://a.example,ftp://b.example"]
)
def test_an_allowed_origin_that_no_browser_sends_is_refused_at_start(env: Env, origins: str) -> None:
    """A browser's Origin has no path: "https://shop.example/chat" would never match, so every
    shop page would be refused without a word. The function says so instead (503 not_configured,
    and make dev does not start)."""
    env.set(ALLOWED_ORIGINS=origins)

    response = make_client("chat_stream").post("/", json={"message": "hi"})

    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "not_configured"
    assert "ALLOWED_ORIGINS" in response.get_json()["error"]["message"]
    assert "no origin" in response.get_json()["error"]["message"]


def test_an_allowed_origin_is_compared_as_a_browser_sends_it(env: Env) -> None:
    """Browsers send a lower-case host and leave the default port out."""
    env.set(ALLOWED_ORIGINS="https://Shop.Example:443/, http://localhost:80")
    chat = make_client("chat_stream")

    for origin in ("https://shop.example", "http://localhost"):
        preflight = chat.options("/", headers={"Origin": origin, "Access-Control-Request-Method": "POST"})
        assert preflight.headers.get("Access-Control-Allow-Origin") == origin


def test_cors_preflight_and_allowlist(env: Env) -> None:
    env.set(ALLOWED_ORIGINS="https://shop.example, https://www.shop.example")
    chat = make_client("chat_stream")

    preflight = chat.options(
        "/",
        headers={
            "Origin": "https://shop.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, x-conversation-token",
        },
    )
    allowed = chat.post("/", json={"message": "hi"}, headers={"Origin": "https://www.shop.example"})
    foreign = chat.post("/", json={"message": "hi"}, headers={"Origin": "https://evil.example"})
    foreign_preflight = chat.options("/", headers={"Origin": "https://evil.example"})

    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://shop.example"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "X-Conversation-Token" in preflight.headers["Access-Control-Allow-Headers"]
    assert "Last-Event-ID" in preflight.headers["Access-Control-Allow-Headers"]
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://www.shop.example"
    assert "Retry-After" in allowed.headers["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Origin" not in foreign.headers
    assert "Access-Control-Allow-Origin" not in foreign_preflight.headers
    assert "Access-Control-Allow-Methods" not in foreign_preflight.headers
    # Each answer depends on the Origin, so a shared cache keeps them apart.
    assert allowed.headers["Vary"] == foreign.headers["Vary"] == "Origin"


@pytest.mark.parametrize("allowed_origins", ["https://shop.example", "*"])
def test_only_the_staff_function_takes_cookies_and_only_from_a_named_origin(
    env: Env, allowed_origins: str
) -> None:
    """The console on the shop's site calls the staff function behind Cloud IAP with IAP's
    session cookie; the shopper's functions never need cookies, and "*" never grants them."""
    env.set(ALLOWED_ORIGINS=allowed_origins, ADMIN_TOKEN="s3cret-admin")
    origin = {"Origin": "https://shop.example"}
    staff = make_client("policies").get("/_me", headers={**origin, "Authorization": "Bearer s3cret-admin"})
    preflight = make_client("policies").options(
        "/_me", headers={**origin, "Access-Control-Request-Method": "GET"}
    )
    chat = make_client("chat_stream").post("/", json={"message": "hi"}, headers=origin)

    named = allowed_origins != "*"
    assert staff.headers["Access-Control-Allow-Origin"] == "https://shop.example"
    assert (staff.headers.get("Access-Control-Allow-Credentials") == "true") is named
    assert (preflight.headers.get("Access-Control-Allow-Credentials") == "true") is named
    assert "Access-Control-Allow-Credentials" not in chat.headers
