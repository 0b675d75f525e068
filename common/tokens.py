"""Conversation tokens: unguessable capabilities of which only a keyed hash is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_token() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def hash_token(token: str, secret: str | None) -> bytes:
    # Keyed with CONVERSATION_TOKEN_SECRET so a copy of the database alone cannot be
    # used to test guessed tokens offline.
    return hmac.new((secret or "").encode(), token.encode(), hashlib.sha256).digest()


def token_matches(token: str | None, stored_hash: bytes, secret: str | None) -> bool:
    """Constant-time comparison, so response timing reveals nothing about the hash."""
    if not token:
        return False
    return hmac.compare_digest(hash_token(token, secret), stored_hash)


def fingerprint(token: str | None) -> str:
    """A short, non-reversible tag of a token, for keys and logs (never the token itself)."""
    return hashlib.sha256((token or "").encode()).hexdigest()[:16]
