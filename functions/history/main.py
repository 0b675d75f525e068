"""history: a conversation's messages, oldest first, so the page can restore it."""

from __future__ import annotations

import uuid

import flask
import functions_framework

from common import runtime
from common.config import get_settings
from common.console import feedback
from common.errors import InvalidRequest
from common.handoff import events as handoff_events
from common.handoff import requests as handoff_requests
from common.http import (
    conversation_token,
    json_response,
    no_content,
    parse_json,
    parse_uuid,
    serve_paths,
    serve_unrouted_paths,
    sse_response,
)
from common.logs import configure_logging
from common.schemas import FeedbackBody, HandoffBody
from common.services import history as history_service
from common.services import welcome
from common.workers import pin_each_worker_to_a_cpu

configure_logging()
pin_each_worker_to_a_cpu()

# Positions are Postgres integers; anything larger can never match a message.
MAX_POSITION = 2**31 - 1


@functions_framework.http
def history(request: flask.Request) -> flask.Response:
    return serve_paths(
        request,
        {
            "": {"GET": get_history},
            "/suggestions": {"GET": get_suggestions},
            "/events": {"GET": get_events},
            "/feedback": {"POST": post_feedback},
            "/handoff": {"POST": post_handoff},
        },
    )


serve_unrouted_paths(history)


def post_handoff(request: flask.Request) -> flask.Response:
    """``POST /history/handoff``: the conversation waits for a person (202; asking again changes nothing)."""
    body = parse_json(request, HandoffBody, max_bytes=get_settings().max_request_bytes)
    accepted = handoff_requests.request_handoff(
        uow=runtime.unit_of_work(),
        keys=runtime.token_keys(),
        conversation_token=conversation_token(request),
        body=body,
        settings=runtime.handoff_settings(),
        knowledge=runtime.knowledge(),
    )
    return json_response(accepted, 202)


def get_events(request: flask.Request) -> flask.Response:
    """``GET /history/events``: staff replies and status changes as they happen (SSE)."""
    stream = handoff_events.open_events(
        stream=runtime.event_stream(),
        keys=runtime.token_keys(),
        conversation_id=_uuid_arg(request, "conversation_id"),
        conversation_token=conversation_token(request),
        last_event_id=handoff_events.parse_event_id(request.headers.get("Last-Event-ID")),
    )
    return sse_response(stream)


def post_feedback(request: flask.Request) -> flask.Response:
    """``POST /history/feedback``: thumbs up or down on one answer (replaces an earlier rating)."""
    body = parse_json(request, FeedbackBody, max_bytes=get_settings().max_request_bytes)
    feedback.rate_answer(
        uow=runtime.unit_of_work(),
        keys=runtime.token_keys(),
        conversation_token=conversation_token(request),
        body=body,
    )
    return no_content()


def get_suggestions(request: flask.Request) -> flask.Response:
    """``GET /history/suggestions``: questions to start with, from the shop's FAQ (public)."""
    return json_response(welcome.suggestions(knowledge=runtime.knowledge(), mode=runtime.answer_mode()))


def get_history(request: flask.Request) -> flask.Response:
    settings = get_settings()
    conversation_id = _uuid_arg(request, "conversation_id")
    page = history_service.conversation_page(
        uow=runtime.unit_of_work(),
        keys=runtime.token_keys(),
        conversation_id=conversation_id,
        conversation_token=conversation_token(request),
        limit=_int_arg(request, "limit", default=settings.history_page_size, low=1, high=500),
        before_position=_int_arg(request, "before", default=None, low=1, high=MAX_POSITION),
    )
    return json_response(page)


def _uuid_arg(request: flask.Request, name: str) -> uuid.UUID:
    return parse_uuid(request.args.get(name, ""), name)


def _int_arg(
    request: flask.Request, name: str, *, default: int | None, low: int, high: int | None = None
) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return default
    # The length check keeps int() from parsing a huge string of digits.
    valid = raw.isascii() and raw.isdigit() and len(raw) <= 12
    if not valid or int(raw) < low or (high is not None and int(raw) > high):
        bounds = f"between {low} and {high}" if high else f"at least {low}"
        raise InvalidRequest(f"{name} must be a whole number {bounds}", code=f"invalid_{name}")
    return int(raw)
