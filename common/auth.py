"""Admin authentication: a bearer token compared in constant time."""

from __future__ import annotations

import hashlib
import hmac

from common.errors import NotConfigured, Unauthorized


def require_admin(authorization: str | None, admin_token: str | None) -> None:
    """Raise unless ``authorization`` is ``Bearer <admin_token>``.

    With no admin token configured nothing is allowed: the function is never open by default.
    """
    if not admin_token:
        raise NotConfigured("admin access is not configured (ADMIN_TOKEN is unset)")
    scheme, _, presented = (authorization or "").partition(" ")
    # Compare digests so neither the content nor the length of the token leaks through timing.
    expected = hashlib.sha256(admin_token.encode()).digest()
    given = hashlib.sha256(presented.strip().encode()).digest()
    if scheme.lower() != "bearer" or not hmac.compare_digest(expected, given):
        raise Unauthorized("a valid admin bearer token is required")
