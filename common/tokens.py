"""Conversation tokens: unguessable capabilities of which only a keyed hash is stored."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from common.errors import NotFound, conversation_not_found
from common.models import Conversation

# A conversation token is at least 256 random bits written in base64url (A-Z a-z 0-9 - _),
# unpadded: 43 characters or more (at most 128). A client proposing a conversation makes
# one with crypto.getRandomValues; the server's own are exactly this shape.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43,128}")


def new_token() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def well_formed_token(token: str | None) -> bool:
    """Whether ``token`` is shaped like a conversation token (see ``TOKEN_PATTERN``)."""
    return token is not None and TOKEN_PATTERN.fullmatch(token) is not None


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
