"""The one exception hierarchy. Handlers translate it to HTTP in ``common.http``."""

from __future__ import annotations

from collections.abc import Mapping


class AppError(Exception):
    """An error the caller should see: a stable code, an HTTP status, and any headers it needs.

    Subclasses set their defaults as class keywords: ``class NotFound(AppError, status=404, ...)``.
    """

    status = 400
    code = "bad_request"

    def __init_subclass__(cls, *, status: int | None = None, code: str | None = None) -> None:
        super().__init_subclass__()
        cls.status = status or cls.status
        cls.code = code or cls.code

    def __init__(
        self, message: str, *, code: str | None = None, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.headers = dict(headers or {})
        if code is not None:
            self.code = code


class InvalidRequest(AppError, status=400, code="invalid_request"):
    """The request cannot be understood as sent."""


class Unauthorized(AppError, status=401, code="unauthorized"):
    """Nobody is signed in (or the credentials are not valid); ``WWW-Authenticate`` says how."""

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message, code=code, headers={"WWW-Authenticate": 'Bearer realm="staff"'})


class NotFound(AppError, status=404, code="not_found"):
    """It does not exist, or the caller may not know that it does."""


class Conflict(AppError, status=409, code="conflict"):
    """The request contradicts what is stored."""


class PayloadTooLarge(AppError, status=413, code="payload_too_large"):
    """The body or the message is over its size limit."""


class UnsupportedMediaType(AppError, status=415, code="unsupported_media_type"):
    """The body is not JSON."""


class Forbidden(AppError, status=403, code="forbidden"):
    """Signed in, but the role does not allow this."""


class PreconditionFailed(AppError, status=412, code="edit_conflict"):
    """``If-Match`` names a version that is no longer current: someone else changed it."""


class ServiceUnavailable(AppError, status=503, code="unavailable"):
    """Something this request needs is down; trying again later may help."""


class DatabaseUnavailable(ServiceUnavailable, code="database_unavailable"):
    """Postgres cannot be reached, or has no free connection."""


class NotConfigured(ServiceUnavailable, code="not_configured"):
    """The instance's environment lacks what this request needs."""


def method_not_allowed(message: str, *, allow: str) -> AppError:
    error = AppError(message, code="method_not_allowed", headers={"Allow": allow})
    error.status = 405
    return error


class RateLimited(AppError, status=429, code="rate_limited"):
    """Too many requests: ``Retry-After`` says when to try again."""

    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after_seconds)})
        self.retry_after_seconds = retry_after_seconds


# Failures while answering, by code: what the shopper is told and whether a retry may help.
# Stored messages keep only the code; replays look the rest up here.
ANSWER_ERRORS: dict[str, tuple[str, bool]] = {
    "model_rate_limited": ("The assistant is very busy right now. Please try again in a moment.", True),
    "model_unavailable": ("The assistant is unavailable right now. Please try again in a moment.", True),
    "model_timeout": ("The assistant took too long to answer. Please try again.", True),
    "model_stream_broken": ("The answer was cut off. Please try again.", True),
    "model_auth_failed": ("The assistant is not configured correctly. Please contact support.", False),
    "model_rejected": ("The assistant could not process this message. Try rephrasing it.", False),
    "empty_answer": ("The assistant did not produce an answer. Please try again.", True),
    "answer_lost": ("This answer was interrupted. Please send your message again.", True),
    "answer_not_saved": ("The answer could not be saved and may be missing after a reload.", True),
    "resume_unavailable": ("The answer cannot be followed right now. Please reload in a moment.", True),
    "internal_error": ("Something went wrong while answering. Please try again.", True),
}


class RepeatedSend(Exception):
    """A message with this ``client_message_id`` is already stored in the conversation."""


class ConversationErased(Exception):
    """A proposed conversation id is one staff erased: it is never created again."""


class ConversationTaken(Exception):
    """A client proposed a conversation id that already exists."""


def conversation_not_found() -> NotFound:
    """Unknown conversation or wrong token: indistinguishable on purpose, so ids cannot be probed."""
    return NotFound("conversation not found", code="conversation_not_found")


class ModelError(Exception):
    """Answering failed; ``code`` is a key of ``ANSWER_ERRORS``."""

    def __init__(self, code: str) -> None:
        message, retryable = ANSWER_ERRORS[code]
        super().__init__(message)
        self.code = code
        self.message = message
        self.retryable = retryable
