"""Staff sign in as themselves: roles, tokens shown once and stored as hashes, revocation,
and Cloud IAP's signed header."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask.testing import FlaskClient
from google.auth import crypt
from google.auth import jwt as google_jwt

from common.auth import REFETCH_SECONDS, IapVerifier
from common.errors import ServiceUnavailable, Unauthorized
from tests.conftest import make_client
from tests.support import Env, serve_in_thread

ADMIN = {"Authorization": "Bearer s3cret-admin"}
AUDIENCE = "/projects/123/locations/europe-west1/services/policies"


@pytest.fixture
def staff(env: Env) -> FlaskClient:
    """The policies function with the bootstrap ADMIN_TOKEN set."""
    env.set(ADMIN_TOKEN="s3cret-admin")
    return make_client("policies")


def add_member(client: FlaskClient, role: str, name: str = "Ann", email: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, "role": role}
    if email:
        body["email"] = email
    response = client.post("/_staff", headers=ADMIN, json=body)
    assert response.status_code == 201, response.get_json()
    created: dict[str, Any] = response.get_json()
    return created


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_new_token_is_shown_once_and_stored_only_as_a_hash(env: Env, staff: FlaskClient) -> None:
    created = add_member(staff, "editor")

    token = created["token"]
    assert token.startswith("stf_") and len(token) > 40
    stored = env.query("SELECT token_hash FROM staff WHERE id = :id", id=created["staff"]["id"])[0][0]
    assert bytes(stored) == hashlib.sha256(token.encode()).digest()
    listed = staff.get("/_staff", headers=ADMIN).get_json()["staff"]
    assert "token" not in json.dumps(listed)
    me = staff.get("/_me", headers=bearer(token)).get_json()
    assert me == {
        "id": created["staff"]["id"],
        "name": "Ann",
        "role": "editor",
        "email": None,
        "via": "token",
    }


@pytest.mark.parametrize(
    ("role", "method", "path", "allowed"),
    [
        ("viewer", "GET", "/shipping", True),
        ("viewer", "GET", "/_conversations", True),
        ("viewer", "GET", "/_analytics", True),
        ("viewer", "PUT", "/shipping", False),
        ("viewer", "DELETE", "/shipping", False),
        ("viewer", "POST", "/shipping/revisions/1/restore", False),
        ("viewer", "PUT", "/Not-A-Key", False),  # beyond the role whatever the key
        ("editor", "PUT", "/shipping", True),
        ("editor", "GET", "/_staff", False),
        ("editor", "POST", "/_staff", False),
        ("owner", "GET", "/_staff", True),
    ],
)
def test_each_role_may_do_what_it_includes_and_gets_403_beyond(
    env: Env, staff: FlaskClient, role: str, method: str, path: str, allowed: bool
) -> None:
    token = add_member(staff, role)["token"]
    body = {"title": "Shipping", "content": "Free shipping.", "name": "Bo", "role": "viewer"}
    if path == "/shipping" and method == "PUT":
        body = {"title": "Shipping", "content": "Free shipping."}

    response = staff.open(path, method=method, headers=bearer(token), json=body)

    if allowed:
        assert response.status_code < 300, response.get_json()
    else:
        assert response.status_code == 403
        assert response.get_json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("POST", "/shipping", "GET, PUT, DELETE, OPTIONS"),
        ("PATCH", "/shipping", "GET, PUT, DELETE, OPTIONS"),
        ("PUT", "/", "GET, OPTIONS"),
        ("GET", "/_inbox/5d8c/claim", "POST, OPTIONS"),
        ("PUT", "/_staff", "GET, POST, OPTIONS"),
    ],
)
@pytest.mark.parametrize("signed_in", [True, False])
def test_a_method_a_path_does_not_take_is_405_naming_the_ones_it_does(
    env: Env, staff: FlaskClient, method: str, path: str, allow: str, signed_in: bool
) -> None:
    headers = {"Authorization": "Bearer s3cret-admin"} if signed_in else {}

    response = staff.open(path, method=method, headers=headers, json={"title": "T", "content": "C"})

    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert response.headers["Allow"] == allow
    env.set(ALLOWED_ORIGINS="https://shop.example")
    preflight = make_client("policies").options(
        path, headers={"Origin": "https://shop.example", "Access-Control-Request-Method": "PUT"}
    )
    assert preflight.headers["Access-Control-Allow-Methods"] == allow


@pytest.mark.parametrize("path", ["/", "/shipping", "/_conversations", "/_staff", "/_me", "/_nothing-here"])
def test_not_signed_in_is_401_on_every_path(staff: FlaskClient, path: str) -> None:
    response = staff.get(path, headers={"Authorization": "Bearer stf_not-a-real-token"})

    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert response.get_json()["error"]["message"] == "this bearer token is not valid (unknown or revoked)"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")  # how to sign in (RFC 9110)


def test_a_staff_token_signs_in_without_admin_token_set(env: Env, staff: FlaskClient) -> None:
    """`make staff-token`, then `make dev` without ADMIN_TOKEN: that token is enough."""
    token = add_member(staff, "editor", name="Cleo")["token"]
    env.set(ADMIN_TOKEN=None)
    client = make_client("policies")

    me = client.get("/_me", headers=bearer(token))
    nobody = client.get("/_me")
    stranger = client.get("/_me", headers=bearer("stf_not-a-real-token"))

    assert (me.status_code, me.get_json()["name"]) == (200, "Cleo")
    assert nobody.status_code == 401  # not signed in, whatever is set up
    assert "make staff-token" in nobody.get_json()["error"]["message"]
    assert "ADMIN_TOKEN" in nobody.get_json()["error"]["message"]
    assert stranger.status_code == 401  # a token that is none: the console forgets it
    assert "not valid" in stranger.get_json()["error"]["message"]
    # A token typed as if ADMIN_TOKEN were set ("secret") is told that it is not.
    assert "ADMIN_TOKEN (or IAP_AUDIENCE) is not set" in stranger.get_json()["error"]["message"]


@pytest.mark.parametrize("method", ["PATCH", "TRACE", "GET", "DELETE"])
@pytest.mark.parametrize("path", ["/_nothing-here", "/shipping/and/more"])
def test_a_path_no_route_has_is_401_then_404_whatever_the_method(
    staff: FlaskClient, method: str, path: str
) -> None:
    """openapi.yaml: a path it does not list answers 404 whatever the method, after sign-in."""
    anonymous = staff.open(path, method=method)
    signed_in = staff.open(path, method=method, headers=ADMIN)

    assert anonymous.status_code == 401
    assert (signed_in.status_code, signed_in.get_json()["error"]["code"]) == (404, "not_found")


def test_the_last_owner_cannot_be_revoked(env: Env, staff: FlaskClient) -> None:
    """Nobody could manage staff any more (without ADMIN_TOKEN, not even sign in as an owner)."""
    olga = add_member(staff, "owner", name="Olga")
    own = bearer(olga["token"])

    alone = staff.delete(f"/_staff/{olga['staff']['id']}", headers=own)
    paul = add_member(staff, "owner", name="Paul")
    once_another = staff.delete(f"/_staff/{olga['staff']['id']}", headers=own)
    last = staff.delete(f"/_staff/{paul['staff']['id']}", headers=bearer(paul["token"]))

    assert alone.status_code == 409
    assert alone.get_json()["error"]["code"] == "last_owner"
    assert once_another.status_code == 200  # another owner remains
    assert last.status_code == 409
    assert staff.get("/_me", headers=bearer(paul["token"])).status_code == 200


def test_a_revoked_token_no_longer_signs_in(env: Env, staff: FlaskClient) -> None:
    created = add_member(staff, "editor")
    assert staff.get("/_me", headers=bearer(created["token"])).status_code == 200

    revoked = staff.delete(f"/_staff/{created['staff']['id']}", headers=ADMIN)

    assert revoked.status_code == 200
    assert revoked.get_json()["revoked_at"] is not None
    assert staff.get("/_me", headers=bearer(created["token"])).status_code == 401
    assert staff.delete(f"/_staff/{created['staff']['id']}", headers=ADMIN).status_code == 200
    assert staff.delete("/_staff/00000000-0000-4000-8000-000000000000", headers=ADMIN).status_code == 404
    assert staff.delete("/_staff/not-a-uuid", headers=ADMIN).status_code == 400


def test_an_owner_changes_a_members_role_and_their_same_token_has_it_at_once(
    env: Env, staff: FlaskClient
) -> None:
    vic = add_member(staff, "viewer", name="Vic")
    own = bearer(vic["token"])
    entry = {"title": "Returns", "content": "60 days."}
    assert staff.put("/returns", headers=own, json=entry).status_code == 403

    promoted = staff.patch(f"/_staff/{vic['staff']['id']}", headers=ADMIN, json={"role": "editor"})

    assert promoted.status_code == 200
    assert promoted.get_json()["role"] == "editor"
    assert staff.get("/_me", headers=own).get_json()["role"] == "editor"
    assert staff.put("/returns", headers=own, json=entry).status_code == 200
    assert (
        staff.patch(f"/_staff/{vic['staff']['id']}", headers=own, json={"role": "owner"}).status_code == 403
    )
    listed = staff.get("/_staff", headers=ADMIN).get_json()["staff"]
    assert [(m["name"], m["role"]) for m in listed] == [("Vic", "editor")]


def test_a_role_change_never_leaves_the_shop_without_an_owner(env: Env, staff: FlaskClient) -> None:
    olga = add_member(staff, "owner", name="Olga")
    olga_id = olga["staff"]["id"]

    alone = staff.patch(f"/_staff/{olga_id}", headers=ADMIN, json={"role": "editor"})
    still_owner = staff.patch(f"/_staff/{olga_id}", headers=ADMIN, json={"role": "owner"})
    add_member(staff, "owner", name="Paul")
    once_another = staff.patch(f"/_staff/{olga_id}", headers=ADMIN, json={"role": "editor"})

    assert (alone.status_code, alone.get_json()["error"]["code"]) == (409, "last_owner")
    assert still_owner.status_code == 200
    assert once_another.status_code == 200
    assert staff.get("/_me", headers=bearer(olga["token"])).get_json()["role"] == "editor"


@pytest.mark.parametrize(
    ("target", "body", "status", "code"),
    [
        ("00000000-0000-4000-8000-000000000000", {"role": "editor"}, 404, "staff_not_found"),
        ("not-a-uuid", {"role": "editor"}, 400, "invalid_staff_id"),
        ("member", {"role": "admin"}, 400, "invalid_request"),
        ("member", {"role": "editor", "name": "Eve"}, 400, "invalid_request"),
        ("revoked", {"role": "editor"}, 409, "staff_revoked"),
    ],
)
def test_a_bad_role_change_is_refused_and_changes_nothing(
    env: Env, staff: FlaskClient, target: str, body: dict[str, str], status: int, code: str
) -> None:
    member = add_member(staff, "viewer")["staff"]["id"]
    gone = add_member(staff, "viewer", name="Gus")["staff"]["id"]
    staff.delete(f"/_staff/{gone}", headers=ADMIN)
    path = {"member": member, "revoked": gone}.get(target, target)

    response = staff.patch(f"/_staff/{path}", headers=ADMIN, json=body)

    assert (response.status_code, response.get_json()["error"]["code"]) == (status, code)
    assert [r.role for r in env.query("SELECT role FROM staff ORDER BY created_at")] == ["viewer", "viewer"]


def test_an_edit_records_who_made_it(env: Env, staff: FlaskClient) -> None:
    token = add_member(staff, "editor", name="Cleo")["token"]

    staff.put("/returns", headers=bearer(token), json={"title": "Returns", "content": "60 days."})

    newest = staff.get("/returns/revisions", headers=bearer(token)).get_json()["revisions"][0]
    assert newest["changed_by"] == "Cleo"
    assert env.query("SELECT created_by FROM staff WHERE name = 'Cleo'")[0][0] == "admin"


def test_staff_emails_are_unique_and_inputs_checked(staff: FlaskClient) -> None:
    add_member(staff, "viewer", email="Ann@Shop.example")

    again = staff.post(
        "/_staff", headers=ADMIN, json={"name": "A", "role": "viewer", "email": "ann@shop.example"}
    )
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "email_taken"
    for body in (
        {"name": "", "role": "viewer"},
        {"name": "X", "role": "boss"},
        {"name": "X", "role": "viewer", "email": "nope"},
        {"name": "X", "role": "viewer", "email": "a\x00@b.example"},  # Postgres stores no NUL
    ):
        assert staff.post("/_staff", headers=ADMIN, json=body).status_code == 400


@pytest.mark.parametrize("name", ["Bob\r\nSupport team", "Bob\tB", "Bob\x1b[31m", "Bob\u2028B"])
def test_a_staff_name_is_one_line_as_shoppers_see_it_on_replies(
    env: Env, staff: FlaskClient, name: str
) -> None:
    before = env.count("staff")

    refused = staff.post("/_staff", headers=ADMIN, json={"name": name, "role": "viewer"})

    assert refused.status_code == 400
    assert refused.get_json()["error"] == {
        "code": "invalid_request",
        "message": "name: must be one line, without control characters such as line breaks or tabs",
    }
    assert env.count("staff") == before


# Cloud IAP


class IapKeys:
    """A signing key whose public half a local server publishes the way IAP does."""

    def __init__(self) -> None:
        self.private = ec.generate_private_key(ec.SECP256R1())
        self.kid = "test-key-1"
        self.public_pem = (
            self.private.public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode()
        )

    def assertion(self, *, signer_key: Any = None, kid: str | None = None, **claims: Any) -> str:
        now = int(time.time())
        payload = {
            "iss": "https://cloud.google.com/iap",
            "aud": AUDIENCE,
            "email": "ann@shop.example",
            "sub": "accounts.google.com:1234",
            "iat": now,
            "exp": now + 600,
            **claims,
        }
        pem = (signer_key or self.private).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        signer = crypt.ES256Signer.from_string(pem, key_id=kid or self.kid)
        return google_jwt.encode(signer, payload).decode()


@pytest.fixture
def iap(env: Env) -> Iterator[tuple[FlaskClient, IapKeys]]:
    """The policies function behind a (simulated) IAP whose keys a local server publishes."""
    keys = IapKeys()

    def publish(environ: Any, start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps({keys.kid: keys.public_pem}).encode()]

    with serve_in_thread(publish) as url:
        env.set(ADMIN_TOKEN="s3cret-admin", IAP_AUDIENCE=AUDIENCE, IAP_CERTS_URL=url)
        client = make_client("policies")
        add_member(client, "editor", name="Ann", email="ann@shop.example")
        yield client, keys


def iap_header(assertion: str) -> dict[str, str]:
    return {"X-Goog-IAP-JWT-Assertion": assertion}


def test_a_valid_iap_assertion_signs_in_the_listed_staff_member(iap: tuple[FlaskClient, IapKeys]) -> None:
    client, keys = iap

    me = client.get("/_me", headers=iap_header(keys.assertion()))

    assert me.status_code == 200
    assert me.get_json() == {
        "id": me.get_json()["id"],  # Ann's staff id
        "name": "Ann",
        "role": "editor",
        "email": "ann@shop.example",
        "via": "iap",
    }
    listed = client.get("/_staff", headers={"Authorization": "Bearer s3cret-admin"}).get_json()["staff"]
    assert me.get_json()["id"] == next(m["id"] for m in listed if m["name"] == "Ann")


@pytest.mark.parametrize(
    "case",
    ["wrong_audience", "expired", "forged_signature", "wrong_issuer", "unknown_key", "garbage"],
)
def test_an_invalid_iap_assertion_is_401(iap: tuple[FlaskClient, IapKeys], case: str) -> None:
    client, keys = iap
    assertion = {
        "wrong_audience": lambda: keys.assertion(aud="/projects/123/global/backendServices/999"),
        "expired": lambda: keys.assertion(iat=int(time.time()) - 1200, exp=int(time.time()) - 600),
        "forged_signature": lambda: keys.assertion(signer_key=ec.generate_private_key(ec.SECP256R1())),
        "wrong_issuer": lambda: keys.assertion(iss="https://accounts.google.com"),
        "unknown_key": lambda: keys.assertion(kid="someone-elses-key"),
        "garbage": lambda: "not.a.jwt",
    }[case]()

    response = client.get("/_me", headers=iap_header(assertion))

    assert response.status_code == 401, response.get_json()
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_a_signed_in_google_user_who_is_not_staff_is_403(iap: tuple[FlaskClient, IapKeys]) -> None:
    client, keys = iap

    response = client.get("/_me", headers=iap_header(keys.assertion(email="eve@elsewhere.example")))

    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "not_staff"


def test_without_iap_configured_the_header_is_ignored(env: Env, staff: FlaskClient) -> None:
    keys = IapKeys()

    response = staff.get("/_me", headers=iap_header(keys.assertion()))

    assert response.status_code == 401


def test_behind_iap_a_bearer_that_is_no_staff_token_leaves_the_decision_to_iap(
    iap: tuple[FlaskClient, IapKeys],
) -> None:
    client, keys = iap
    # Cloud Scheduler's OIDC token, which IAP has checked, next to IAP's own signed header.
    oidc = {"Authorization": "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl"}

    listed = client.get("/_me", headers={**oidc, **iap_header(keys.assertion())})
    forged = client.get(
        "/_me", headers={**oidc, **iap_header(keys.assertion(iss="https://accounts.google.com"))}
    )
    alone = client.get("/_me", headers=oidc)

    assert listed.status_code == 200 and listed.get_json()["via"] == "iap"
    assert forged.status_code == 401
    assert alone.status_code == 401


class FlakyKeyServer:
    """IAP's key page as a fetcher: serves ``keys`` until ``down`` is set, then fails."""

    def __init__(self, keys: IapKeys) -> None:
        self.keys = keys
        self.down = False
        self.fetches = 0

    def __call__(self, url: str) -> dict[str, str]:
        self.fetches += 1
        if self.down:
            raise OSError("connection refused")
        return {self.keys.kid: self.keys.public_pem}


def test_iap_keys_that_cannot_be_read_are_a_503_not_the_callers_fault() -> None:
    keys = IapKeys()
    server = FlakyKeyServer(keys)
    server.down = True
    verifier = IapVerifier(audience=AUDIENCE, certs_url="https://keys.example", fetch=server)

    with pytest.raises(ServiceUnavailable) as raised:
        verifier.email(keys.assertion())

    assert raised.value.status == 503 and raised.value.code == "iap_keys_unavailable"


def test_stale_iap_keys_still_sign_in_while_the_key_page_is_down() -> None:
    keys = IapKeys()
    server = FlakyKeyServer(keys)
    now = [0.0]
    verifier = IapVerifier(
        audience=AUDIENCE,
        certs_url="https://keys.example",
        fetch=server,
        ttl_seconds=60,
        clock=lambda: now[0],
    )
    assert verifier.email(keys.assertion()) == "ann@shop.example"

    server.down = True
    now[0] = 61.0  # the keys are stale: read again, which fails
    during = [verifier.email(keys.assertion()) for _ in range(5)]

    assert during == ["ann@shop.example"] * 5
    assert server.fetches == 2  # one failed read, not one per sign-in
    now[0] = 61.0 + REFETCH_SECONDS
    server.down = False
    assert verifier.email(keys.assertion()) == "ann@shop.example"
    assert server.fetches == 3  # tried again once the pause is over


def test_a_forged_key_id_cannot_make_every_sign_in_fetch_the_keys() -> None:
    keys = IapKeys()
    server = FlakyKeyServer(keys)
    verifier = IapVerifier(
        audience=AUDIENCE, certs_url="https://keys.example", fetch=server, clock=lambda: 0.0
    )

    for _ in range(5):
        with pytest.raises(Unauthorized):
            verifier.email(keys.assertion(kid="made-up"))

    assert server.fetches == 1


def test_a_head_request_answers_as_its_get_after_sign_in(staff: FlaskClient) -> None:
    assert staff.head("/_me").status_code == 401
    head = staff.head("/_me", headers={"Authorization": "Bearer s3cret-admin"})
    assert (head.status_code, head.data) == (200, b"")
    assert (
        staff.head("/_inbox/5d8c/claim", headers={"Authorization": "Bearer s3cret-admin"}).status_code == 405
    )
