"""The policies admin function: bearer-token protected CRUD over policies and the FAQ bank."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.conftest import make_client
from tests.support import Env

ADMIN = {"Authorization": "Bearer s3cret-admin"}
ROUTES = [("GET", "/"), ("GET", "/shipping"), ("PUT", "/shipping"), ("DELETE", "/shipping")]


@pytest.fixture
def admin(env: Env) -> FlaskClient:
    """The policies function with ADMIN_TOKEN set."""
    env.set(ADMIN_TOKEN="s3cret-admin")
    return make_client("policies")


def _version(env: Env) -> int:
    return int(env.query("SELECT version FROM knowledge_state")[0][0])


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": "s3cret-admin"},
        {"Authorization": "Basic s3cret-admin"},
    ],
)
def test_every_route_refuses_a_missing_or_wrong_token(
    env: Env, admin: FlaskClient, method: str, path: str, headers: dict[str, str]
) -> None:
    response = admin.open(path, method=method, headers=headers, json={"title": "T", "content": "C"})

    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert env.count("knowledge_entries") == 9
    assert _version(env) == 1


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_without_admin_token_configured_everything_is_refused(env: Env, method: str, path: str) -> None:
    client = make_client("policies")

    response = client.open(
        path, method=method, headers={"Authorization": "Bearer "}, json={"title": "T", "content": "C"}
    )

    assert response.status_code == 401  # "without a valid token: 401", set up or not
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert "ADMIN_TOKEN" in response.get_json()["error"]["message"]


def test_list_shows_the_seeded_policies_and_faq(env: Env, admin: FlaskClient) -> None:
    body = admin.get("/", headers=ADMIN).get_json()

    keys = {e["key"]: e["kind"] for e in body["entries"]}
    assert {"shipping", "delivery", "returns", "support-hours"} <= {
        k for k, v in keys.items() if v == "policy"
    }
    assert sum(1 for v in keys.values() if v == "faq") >= 5
    assert body["version"] == 1
    faq_only = admin.get("/?kind=faq", headers=ADMIN).get_json()["entries"]
    assert faq_only
    assert all(e["kind"] == "faq" for e in faq_only)


def test_create_read_replace_delete(env: Env, admin: FlaskClient) -> None:
    created = admin.put(
        "/gift-cards", headers=ADMIN, json={"title": "Gift cards", "content": "Valid 3 years."}
    )
    assert created.status_code == 201
    assert created.get_json()["version"] == 2

    read = admin.get("/gift-cards", headers=ADMIN).get_json()
    assert (read["title"], read["content"], read["kind"]) == ("Gift cards", "Valid 3 years.", "policy")

    replaced = admin.put(
        "/gift-cards",
        headers=ADMIN,
        json={"title": "Gift cards?", "content": "Valid 5 years.", "kind": "faq"},
    )
    assert replaced.status_code == 200
    assert replaced.get_json()["version"] == 3
    assert admin.get("/gift-cards", headers=ADMIN).get_json()["content"] == "Valid 5 years."

    deleted = admin.delete("/gift-cards", headers=ADMIN)
    assert deleted.status_code == 200
    assert deleted.get_json()["version"] == 4
    assert admin.get("/gift-cards", headers=ADMIN).status_code == 404
    assert admin.delete("/gift-cards", headers=ADMIN).status_code == 404
    assert _version(env) == 4


@pytest.mark.parametrize(
    ("path", "body", "code"),
    [
        ("/Shipping", {"title": "T", "content": "C"}, "invalid_key"),
        ("/has space", {"title": "T", "content": "C"}, "invalid_key"),
        ("/" + "k" * 65, {"title": "T", "content": "C"}, "invalid_key"),
        ("/-leading", {"title": "T", "content": "C"}, "invalid_key"),
        ("/trailing%0A", {"title": "T", "content": "C"}, "invalid_key"),
        ("/ok", {"title": "", "content": "C"}, "invalid_request"),
        ("/ok", {"title": "T" * 201, "content": "C"}, "invalid_request"),
        ("/ok", {"title": "T", "content": "   "}, "invalid_request"),
        ("/ok", {"title": "T", "content": "C" * 5001}, "invalid_request"),
        ("/ok", {"title": "T", "content": "C", "kind": "rumour"}, "invalid_request"),
        ("/ok", {"title": 5, "content": "C"}, "invalid_request"),
        ("/ok", {"content": "C"}, "invalid_request"),
    ],
)
def test_invalid_edits_are_400_and_change_nothing(
    env: Env, admin: FlaskClient, path: str, body: dict[str, object], code: str
) -> None:
    response = admin.put(path, headers=ADMIN, json=body)

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code
    assert env.count("knowledge_entries") == 9
    assert _version(env) == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"title": "   ", "content": "C"}, "title: must not be empty"),
        ({"title": "T", "content": "C" * 5001}, "content: must be at most 5000 characters"),
        ({"content": "C"}, "title: is required"),
        ({"title": "T", "content": "C", "colour": "red"}, "colour: is not a field this request takes"),
        ({"title": 5, "content": "C"}, "title: must be a string"),
    ],
)
def test_an_invalid_edit_is_told_in_plain_words(
    env: Env, admin: FlaskClient, body: dict[str, object], message: str
) -> None:
    response = admin.put("/ok", headers=ADMIN, json=body)

    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == message  # the console shows it as it is


def test_put_without_a_key_is_refused(env: Env, admin: FlaskClient) -> None:
    response = admin.put("/", headers=ADMIN, json={"title": "T", "content": "C"})

    assert response.status_code == 405
    assert _version(env) == 1
