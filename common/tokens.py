"""Conversation tokens: unguessable capabilities of which only a keyed hash is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from common.errors import NotFound, conversation_not_found
from common.models import Conversation


def new_token() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


class TokenKeys:
    """Hashes and checks conversation tokens with the instance's ``CONVERSATION_TOKEN_SECRET``.

    Keyed, so a copy of the database alone cannot be used to test guessed tokens offline.
    """

    def __init__(self, secret: str | None) -> None:
        self._secret = (secret or "").encode()

    def hash(self, token: str) -> bytes:
        return hmac.new(self._secret, token.encode(), hashlib.sha256).digest()

    def matches(self, token: str | None, stored_hash: bytes) -> bool:
        """Constant-time comparison, so response timing reveals nothing about the hash."""
        if not token:
            return False
        return hmac.compare_digest(self.hash(token), stored_hash)

    def require(
        self, conversation: Conversation | None, token: str | None, *, missing: NotFound | None = None
    ) -> Conversation:
        """The conversation if ``token`` opens it; else ``missing`` (by default: conversation not found)."""
        if conversation is None or not self.matches(token, conversation.token_hash):
            raise missing or conversation_not_found()
        return conversation


def fingerprint(token: str | None) -> str:
    """A short, non-reversible tag of a token, for keys and logs (never the token itself)."""
    return hashlib.sha256((token or "").encode()).hexdigest()[:16]
