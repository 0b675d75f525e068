"""The HTTP contract: ``openapi.yaml`` is valid Open API 3.1, and the running dev server keeps it.

Schemathesis generates requests for every operation in the document (valid and invalid ones),
sends them to the dev app on a real socket, and checks each response: no server error, a
documented status code and content type, and a body (or every Server-Sent Event) that
matches its schema. Random ids rarely name a real conversation, so a scripted conversation
covers the successful answers fuzzing cannot reach, and a few awkward inputs that fuzzing
found too rarely are pinned as explicit cases. Without GEMINI_API_KEY the answers come from
the knowledge base, so a stream ends quickly and the run is deterministic.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from common import runtime
from common.config import REPO_ROOT
from scripts.devserver import build_app
from tests.support import Env, clear_settings_env, parse_sse, serve_in_thread

SPEC = REPO_ROOT / "openapi.yaml"
ADMIN_TOKEN = "contract-admin-token"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_path(
    SPEC,
    config=schemathesis.Config.from_dict(
        {
            # The admin token for bearerAuth, so the policies operations get past authentication.
            "auth": {"openapi": {"bearerAuth": {"bearer": ADMIN_TOKEN}}},
            # Read whole answers (Schemathesis stops after 20 events by default), so the final
            # `done` or `error` event is checked too.
            "max-stream-events": 10_000,
        }
    ),
)


def _keys_without_a_value(node: object, path: str = "") -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if value is None:
                yield f"{path}/{key}"
            yield from _keys_without_a_value(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _keys_without_a_value(value, f"{path}/{index}")


def test_no_description_is_cut_short_by_a_comma() -> None:
    # In YAML's {a: b, c} a comma ends the description and makes "c" a key without a value.
    assert list(_keys_without_a_value(schema.raw_schema)) == []


def test_the_document_is_valid_openapi_3_1() -> None:
    assert schema.raw_schema["openapi"].startswith("3.1.")
    schema.validate()
    operations = {f"{op.ok().method.upper()} {op.ok().path}" for op in schema.get_all_operations()}
    assert {
        "POST /chat_stream",
        "GET /chat_stream",
        "GET /history",
        "GET /policies",
        "GET /policies/{key}",
        "PUT /policies/{key}",
        "DELETE /policies/{key}",
    } <= operations


@pytest.fixture(scope="module")
def dev_server(database_url: str) -> Iterator[str]:
    """``scripts.devserver.build_app()`` on a free local port, without a model; yields its URL."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        clear_settings_env(monkeypatch)
        env = Env(monkeypatch, database_url, fake=None)  # type: ignore[arg-type]
        env.set(
            DATABASE_URL=database_url,
            GEMINI_API_KEY=None,  # answers from the knowledge base: fast and deterministic
            ADMIN_TOKEN=ADMIN_TOKEN,
            CONVERSATION_TOKEN_SECRET="contract-secret",
            ALLOWED_ORIGINS="*",
            # Hundreds of generated requests come from one address; the limits have their own tests.
            RATE_LIMIT_PER_CLIENT="",
            RATE_LIMIT_PER_CONVERSATION="",
        )
        env.truncate()
        try:
            with serve_in_thread(build_app()) as url:
                yield url
        finally:
            env.wait_for_answers()
            runtime.reset()


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_dev_server_keeps_the_contract(case: schemathesis.Case, dev_server: str) -> None:
    case.call_and_validate(base_url=dev_server, checks=CHECKS, timeout=30)


def _call(base_url: str, path: str, method: str, **parts: Any) -> schemathesis.Response:
    """Send one explicit request of the operation ``method path`` and apply every contract check."""
    case = schema[path][method].Case(**parts)
    return case.call_and_validate(base_url=base_url, checks=CHECKS, timeout=30)


def _header(response: schemathesis.Response, name: str) -> str | None:
    for key, values in response.headers.items():
        if key.lower() == name.lower():
            return values[0]
    return None


ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def test_a_whole_conversation_keeps_the_contract(dev_server: str) -> None:
    first = _call(dev_server, "/chat_stream", "POST", body={"message": "How long does delivery take?"})
    events, _ = parse_sse(first.text)
    assert events[0].event == "meta" and events[-1].event == "done"
    meta = events[0].data
    token = {"X-Conversation-Token": meta["conversation_token"]}
    body = {
        "message": "And what about returns?",
        "conversation_id": meta["conversation_id"],
        "client_message_id": "msg-2",
    }
    second = _call(dev_server, "/chat_stream", "POST", body=body, headers=token)
    replayed = _call(dev_server, "/chat_stream", "POST", body=body, headers=token)
    assert (
        parse_sse(replayed.text)[0][0].data["assistant_message_id"]
        == (parse_sse(second.text)[0][0].data["assistant_message_id"])
    )

    newest = _call(
        dev_server,
        "/history",
        "GET",
        query={"conversation_id": meta["conversation_id"], "limit": 1},
        headers=token,
    ).json()
    assert newest["has_more"] is True
    older = _call(
        dev_server,
        "/history",
        "GET",
        query={"conversation_id": meta["conversation_id"], "before": newest["next_before"]},
        headers=token,
    ).json()
    assert [m["position"] for m in older["messages"]] == [1, 2, 3]

    message_id = meta["assistant_message_id"]
    resumed = _call(
        dev_server,
        "/chat_stream",
        "GET",
        query={"message_id": message_id},
        headers={**token, "Last-Event-ID": f"{message_id}:5"},
    )
    assert parse_sse(resumed.text)[0][-1].event == "done"
    _call(dev_server, "/chat_stream", "GET", query={"message_id": message_id})  # no token: 404


def test_the_admin_operations_keep_the_contract(dev_server: str) -> None:
    entry = {"title": "Gift wrapping", "content": "Gift wrapping costs 3 EUR.", "kind": "faq"}
    path = {"key": "gift-wrapping"}
    assert (
        _call(
            dev_server, "/policies/{key}", "PUT", path_parameters=path, body=entry, headers=ADMIN
        ).status_code
        == 201
    )
    assert (
        _call(
            dev_server, "/policies/{key}", "PUT", path_parameters=path, body=entry, headers=ADMIN
        ).status_code
        == 200
    )
    assert (
        _call(dev_server, "/policies/{key}", "GET", path_parameters=path, headers=ADMIN).json()["kind"]
        == "faq"
    )
    listed = _call(dev_server, "/policies", "GET", query={"kind": "faq"}, headers=ADMIN).json()
    assert "gift-wrapping" in {e["key"] for e in listed["entries"]}
    assert (
        _call(dev_server, "/policies/{key}", "DELETE", path_parameters=path, headers=ADMIN).status_code == 200
    )
    assert _call(dev_server, "/policies/{key}", "GET", path_parameters=path, headers=ADMIN).status_code == 404
    assert _call(dev_server, "/policies", "GET", headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_a_preflight_from_an_allowed_origin_gets_cors_headers(dev_server: str) -> None:
    origin = {"Origin": "https://shop.example.com", "Access-Control-Request-Method": "POST"}
    preflight = _call(dev_server, "/chat_stream", "OPTIONS", headers=origin)
    assert preflight.status_code == 204
    assert _header(preflight, "Access-Control-Allow-Origin") == "https://shop.example.com"


# Inputs the server must answer with a 4xx (or a stream), never a 5xx or a non-JSON error.
AWKWARD_INPUTS = {
    "nul-in-message": ("/chat_stream", "POST", {"body": {"message": "hello\x00there"}}),
    "nul-in-policy-title": (
        "/policies/{key}",
        "PUT",
        {"path_parameters": {"key": "nul"}, "body": {"title": "a\x00b", "content": "c"}, "headers": ADMIN},
    ),
    "unicode-digit-limit": (
        "/history",
        "GET",
        {"query": {"conversation_id": "6f1c1a3e-8a4b-4c51-9d0e-2b1f0c7d9e11", "limit": "\u00b2"}},
    ),
    "unicode-digit-before": (
        "/history",
        "GET",
        {"query": {"conversation_id": "6f1c1a3e-8a4b-4c51-9d0e-2b1f0c7d9e11", "before": "\u00b2"}},
    ),
    "newline-in-key": ("/policies/{key}", "GET", {"path_parameters": {"key": "a\nb"}, "headers": ADMIN}),
    "framework-reserved-key": (
        "/policies/{key}",
        "GET",
        {"path_parameters": {"key": "robots.txt"}, "headers": ADMIN},
    ),
}


@pytest.mark.parametrize("name", AWKWARD_INPUTS)
def test_awkward_inputs_get_a_documented_answer(name: str, dev_server: str) -> None:
    path, method, parts = AWKWARD_INPUTS[name]
    _call(dev_server, path, method, **parts)


def test_a_unicode_digit_in_last_event_id_is_not_a_server_error(dev_server: str) -> None:
    meta = parse_sse(_call(dev_server, "/chat_stream", "POST", body={"message": "Support hours?"}).text)[0][
        0
    ].data
    message_id = meta["assistant_message_id"]
    _call(
        dev_server,
        "/chat_stream",
        "GET",
        query={"message_id": message_id, "last_event_id": f"{message_id}:\u00b2"},
        headers={"X-Conversation-Token": meta["conversation_token"]},
    )
