"""HTTP plumbing shared by the functions: JSON errors, request parsing, CORS, SSE responses.

This is the one place where ``AppError`` becomes an HTTP response.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar
from urllib.parse import urlsplit

import flask
from pydantic import BaseModel, ValidationError
from werkzeug import exceptions as werkzeug_errors

from common import logs
from common.config import ConfigError, get_settings
from common.errors import (
    AppError,
    InvalidRequest,
    NotConfigured,
    NotFound,
    PayloadTooLarge,
    UnsupportedMediaType,
    method_not_allowed,
)
from common.responses import Error, ErrorDetail
from common.schemas import CANONICAL_UUID
from common.validation import describe_validation_error, validation_code

log = logging.getLogger(__name__)

Model = TypeVar("Model", bound=BaseModel)
View = Callable[[flask.Request], flask.Response]

ALLOWED_REQUEST_HEADERS = "Content-Type, Authorization, X-Conversation-Token, Last-Event-ID, If-Match"


def serve_unrouted_paths(function: View) -> None:
    """Send paths functions-framework keeps from the function (``/robots.txt``, ``/favicon.ico``,
    a path with a newline) through it anyway, so every answer keeps the JSON contract."""
    import functions_framework

    functions_framework.errorhandler(werkzeug_errors.NotFound)(lambda _error: function(flask.request))


def no_content() -> flask.Response:
    """204: no body, so no Content-Type either."""
    response = flask.Response(status=204)
    del response.headers["Content-Type"]
    return response


def json_response(
    body: BaseModel, status: int = 200, headers: Mapping[str, str] | None = None
) -> flask.Response:
    response = flask.Response(body.model_dump_json(), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def error_response(error: AppError) -> flask.Response:
    return json_response(_error_body(error.code, error.message), error.status, error.headers)


def _error_body(code: str, message: str) -> Error:
    return Error(error=ErrorDetail(code=code, message=message))


def sse_response(events: Iterable[str]) -> flask.Response:
    """A chunked ``text/event-stream`` response that proxies must not buffer."""
    response = flask.Response(events, mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"
    return response


def parse_json(request: flask.Request, model: type[Model], *, max_bytes: int) -> Model:
    """Validate a JSON body against ``model``; raises 415, 413 or 400 with a clear message."""
    if request.mimetype != "application/json":
        raise UnsupportedMediaType("send the body as JSON with Content-Type: application/json")
    if request.content_length is not None and request.content_length > max_bytes:
        raise PayloadTooLarge(f"the request body is larger than {max_bytes} bytes")
    # A chunked body has no Content-Length: werkzeug stops reading at the limit and hands
    # over what it read, so read one byte past the cap to tell "too large" from "just fits".
    request.max_content_length = max_bytes + 1
    try:
        raw = request.get_data(cache=True)
    except werkzeug_errors.RequestEntityTooLarge as exc:
        raise PayloadTooLarge(f"the request body is larger than {max_bytes} bytes") from exc
    if len(raw) > max_bytes:
        raise PayloadTooLarge(f"the request body is larger than {max_bytes} bytes")
    try:
        # JSON's RFC lets a parser ignore a byte order mark; some Windows tools send one.
        return model.model_validate_json(raw.removeprefix(b"\xef\xbb\xbf"))
    except ValidationError as exc:
        raise InvalidRequest(describe_validation_error(exc), code=validation_code(exc)) from exc


def conversation_token(request: flask.Request) -> str | None:
    """The ``X-Conversation-Token`` header, without the spaces HTTP allows around a value."""
    value = request.headers.get("X-Conversation-Token")
    return None if value is None else value.strip()


def client_address(request: flask.Request, trusted_proxy_count: int) -> str:
    """The caller's IP: the entry our trusted proxies appended to X-Forwarded-For.

    Entries further left are whatever the client sent and cannot be trusted.
    """
    forwarded = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",") if h.strip()]
    if trusted_proxy_count and len(forwarded) >= trusted_proxy_count:
        return forwarded[-trusted_proxy_count]
    return request.remote_addr or "unknown"


def _cors_headers(request: flask.Request, credentialed: bool) -> dict[str, str]:
    origin = (request.headers.get("Origin") or "").rstrip("/")
    allowed = get_settings().origins
    if not origin or not ("*" in allowed or origin in allowed):
        if origin:
            _tell_of_refused_origin(origin, request.host)
        return {"Vary": "Origin"}  # a cache must not hand this answer to an allowed origin
    headers = {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Expose-Headers": "Retry-After, ETag",
        "Vary": "Origin",
    }
    if credentialed and origin in allowed:
        # IAP's session cookie, from the console: only for a named origin, never through "*".
        headers["Access-Control-Allow-Credentials"] = "true"
    return headers


# Origins refused so far, each told once per instance (a bounded set: any page can send any Origin).
_REFUSED_ORIGINS: set[str] = set()


def _tell_of_refused_origin(origin: str, host: str) -> None:
    """A page elsewhere the browser will not let read our answers: the shopper sees only a lost
    connection, so the log names the origin missing from ALLOWED_ORIGINS (a page on our own
    host, whose browser sends Origin too, needs no CORS)."""
    if origin in _REFUSED_ORIGINS or len(_REFUSED_ORIGINS) >= 100 or urlsplit(origin).netloc == host:
        return
    _REFUSED_ORIGINS.add(origin)
    log.warning(
        "no CORS headers for a request from %s (not in ALLOWED_ORIGINS): a browser there cannot read"
        " the answer; add the origin if the chat is on a page there",
        origin,
    )


def serve_paths(request: flask.Request, paths: Mapping[str, Mapping[str, View]]) -> flask.Response:
    """``serve`` for a function whose paths each take their own methods (``""`` is the function's
    own URL, ``"/feedback"`` one below it); any other path answers 404 ``not_found``."""
    return serve(request, paths.get(request.path.rstrip("/")))


def serve(
    request: flask.Request, routes: Mapping[str, View] | None, *, credentialed: bool = False
) -> flask.Response:
    """Dispatch by method, answer CORS preflights, turn errors into JSON responses, and write
    one structured log line per request (for a stream, when it ends). ``routes`` None: the
    path does not exist (404 whatever the method). ``credentialed``: a page on an origin
    named in ALLOWED_ORIGINS may send cookies (the staff console's, behind Cloud IAP)."""
    entry = _request_log(request)
    context = logs.begin(entry)
    try:
        response = _serve(request, routes, credentialed)
        streamed = response.mimetype == "text/event-stream" and request.method != "HEAD"  # HEAD: no body
        if streamed and response.response is not None:
            response.response = _log_at_end(response.response, entry, response.status_code)
        else:
            logs.write_request_line(entry, response.status_code)
    finally:
        logs.end(context)
    return response


def _request_log(request: flask.Request) -> logs.RequestLog:
    try:
        project = get_settings().google_cloud_project
    except ConfigError:
        project = None  # reported by the handler as 503 not_configured
    trace, span = logs.parse_trace(
        request.headers.get("X-Cloud-Trace-Context"), request.headers.get("traceparent"), project
    )
    return logs.RequestLog(
        function=flask.current_app.name,
        method=request.method,
        url=request.full_path.rstrip("?"),
        trace=trace,
        span=span,
        remote_ip=request.remote_addr,
        user_agent=request.user_agent.string or None,
    )


def _log_at_end(body: Iterable[Any], entry: logs.RequestLog, status: int) -> Iterator[Any]:
    # While the stream is relayed, its log lines keep the request's trace and labels.
    context = logs.begin(entry)
    try:
        yield from body
    finally:
        logs.write_request_line(entry, status)
        logs.end(context)


def _serve(request: flask.Request, routes: Mapping[str, View] | None, credentialed: bool) -> flask.Response:
    try:
        cors = _cors_headers(request, credentialed)
    except ConfigError as exc:
        return error_response(NotConfigured(str(exc)))
    if routes is None:
        # The path as the caller wrote it: under make dev, with the function's prefix.
        path = (request.script_root + request.path)[:80]
        response = error_response(NotFound(f"no such path: {path}", code="not_found"))
    elif request.method == "OPTIONS":
        response = no_content()
        if "Access-Control-Allow-Origin" in cors:  # a refused origin's preflight learns nothing
            cors.update(
                {
                    "Access-Control-Allow-Methods": ", ".join([*routes, "OPTIONS"]),
                    "Access-Control-Allow-Headers": ALLOWED_REQUEST_HEADERS,
                    "Access-Control-Max-Age": "3600",
                }
            )
    else:
        response = _dispatch(request, routes)
    response.headers.update(cors)
    return response


def answered_as(request: flask.Request) -> str:
    """The method whose route answers: a ``HEAD`` is a ``GET`` without its body (werkzeug drops
    the body), as a monitor or ``curl -I`` expects."""
    return "GET" if request.method == "HEAD" else request.method


def _dispatch(request: flask.Request, routes: Mapping[str, View]) -> flask.Response:
    view = routes.get(answered_as(request))
    try:
        if view is None:
            allowed = ", ".join([*routes, "OPTIONS"])
            return error_response(method_not_allowed(f"use {allowed}", allow=allowed))
        return view(request)
    except AppError as exc:
        return error_response(exc)
    except ConfigError as exc:
        log.error("configuration error: %s", exc)
        return error_response(NotConfigured(str(exc)))
    except Exception:
        log.exception("unhandled error")
        return json_response(_error_body("internal_error", "something went wrong on our side"), 500)


def parse_uuid(raw: str | None, name: str) -> uuid.UUID:
    """A UUID from a query argument or path in its hyphenated form (upper case is fine); a 400
    ``invalid_<name>`` otherwise, as for the same id in a body."""
    if not raw:
        raise InvalidRequest(f"{name} is required (a UUID)", code=f"invalid_{name}")
    if not CANONICAL_UUID.fullmatch(raw):
        raise InvalidRequest(f"{name} must be a UUID", code=f"invalid_{name}")
    return uuid.UUID(raw)
