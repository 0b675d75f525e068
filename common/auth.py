"""Who is calling the staff function: bearer tokens and Cloud IAP's signed header.

The staff rows themselves live in ``common.console.staff``; this module only proves identity.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import secrets
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from common.errors import Forbidden, ServiceUnavailable, Unauthorized
from common.models import StaffRole

IAP_ISSUER = "https://cloud.google.com/iap"
IAP_HEADER = "X-Goog-IAP-JWT-Assertion"
# The shortest time between two reads of IAP's key page.
REFETCH_SECONDS = 10.0
TOKEN_PREFIX = "stf_"  # noqa: S105 (a label, not a secret)
# What shoppers read as the author of a reply written with the bootstrap ADMIN_TOKEN.
TEAM_SIGNATURE = "Support team"
log = logging.getLogger(__name__)

_RANK = {StaffRole.VIEWER: 0, StaffRole.EDITOR: 1, StaffRole.OWNER: 2}


@dataclass(frozen=True)
class Principal:
    """A signed-in member of staff. ``name`` is what revisions record as ``changed_by``."""

    name: str
    role: StaffRole
    via: str  # admin_token, token or iap
    email: str | None = None
    staff_id: uuid.UUID | None = None  # None: the bootstrap ADMIN_TOKEN (no staff row)

    @property
    def shown_as(self) -> str:
        """The name a shopper reads on this principal's replies: a member's own. The bootstrap
        ADMIN_TOKEN is nobody in particular, so its replies are signed by the team."""
        return self.name if self.staff_id is not None else TEAM_SIGNATURE

    def require(self, role: StaffRole) -> None:
        """Raise ``Forbidden`` unless this principal's role includes ``role``."""
        if _RANK[self.role] < _RANK[role]:
            raise Forbidden(f"this needs the {role.value} role (you are {self.role.value})")


def bearer_token(authorization: str | None) -> str | None:
    """The token of ``Authorization: Bearer <token>``, or None."""
    scheme, _, presented = (authorization or "").partition(" ")
    token = presented.strip()
    return token if scheme.lower() == "bearer" and token else None


def is_admin_token(presented: str, admin_token: str) -> bool:
    # Compare digests so neither the content nor the length of the token leaks through timing.
    expected = hashlib.sha256(admin_token.encode()).digest()
    return hmac.compare_digest(expected, hashlib.sha256(presented.encode()).digest())


def new_staff_token() -> str:
    """A random 256-bit bearer token, shown once to whoever creates it."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> bytes:
    """What is stored for a token. A plain SHA-256 suffices: the tokens carry 256 random bits,
    so there is nothing to brute-force that a slow hash would protect."""
    return hashlib.sha256(token.encode()).digest()


CertsFetcher = Callable[[str], Mapping[str, str]]


def fetch_certs(url: str) -> Mapping[str, str]:
    """IAP's public keys: a JSON object of key id to PEM."""
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (a configured https URL)
        keys: dict[str, str] = json.loads(response.read())
    return keys


class IapVerifier:
    """Verifies ``X-Goog-IAP-JWT-Assertion``: ES256 signature by one of IAP's keys, audience,
    issuer, issued-at and expiry. Keys are cached for an hour and re-read for an unknown key id."""

    def __init__(
        self,
        *,
        audience: str,
        certs_url: str,
        fetch: CertsFetcher = fetch_certs,
        ttl_seconds: float = 3600,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.audience = audience
        self._certs_url = certs_url
        self._fetch = fetch
        self._ttl = ttl_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._certs: Mapping[str, str] = {}
        self._fetched_at = float("-inf")
        self._tried_at = float("-inf")

    def email(self, assertion: str) -> str:
        """The verified, lower-cased email of the signed-in user; ``Unauthorized`` otherwise."""
        from google.auth import exceptions, jwt

        try:
            header = jwt.decode_header(assertion)  # type: ignore[no-untyped-call]
            if header.get("alg") != "ES256":
                raise Unauthorized("the IAP assertion is not signed with ES256")
            keys = self._keys(str(header.get("kid")))
            claims = jwt.decode(assertion, certs=keys, audience=self.audience)  # type: ignore[no-untyped-call]
        except (exceptions.GoogleAuthError, ValueError) as exc:
            raise Unauthorized(f"the IAP assertion is not valid: {_reason(exc)}") from exc
        if claims.get("iss") != IAP_ISSUER:
            raise Unauthorized("the IAP assertion has the wrong issuer")
        email = _email(claims)
        if not email:
            raise Unauthorized("the IAP assertion names no email")
        return email

    def _keys(self, key_id: str) -> Mapping[str, str]:
        """IAP's keys: read again once they are older than the TTL or lack ``key_id``, but at
        most every ``REFETCH_SECONDS`` (a forged key id, or a key page that is down, cannot make
        every sign-in wait for a fetch). While the page cannot be read, the keys held go on
        serving; with none held, nobody can be checked: 503, not the caller's fault."""
        with self._lock:
            now = self._clock()
            due = now - self._fetched_at > self._ttl or key_id not in self._certs
            if due and now - self._tried_at >= REFETCH_SECONDS:
                self._tried_at = now
                try:
                    self._certs = self._fetch(self._certs_url)
                    self._fetched_at = now
                except (OSError, ValueError, http.client.HTTPException) as exc:
                    log.warning("IAP's public keys cannot be read: %s", type(exc).__name__)
            if not self._certs:
                raise ServiceUnavailable(
                    "IAP's public keys cannot be read right now; try again in a moment",
                    code="iap_keys_unavailable",
                )
            return self._certs


def _email(claims: Mapping[str, Any]) -> str:
    # IAP prefixes the email with the identity source ("accounts.google.com:ann@shop.com")
    # in some headers; the JWT's email claim is plain, but strip a prefix to be safe.
    raw = str(claims.get("email") or "")
    return raw.rpartition(":")[2].strip().lower()


def _reason(exc: Exception) -> str:
    text = str(exc).split("\n")[0]
    return text[:120] or type(exc).__name__
