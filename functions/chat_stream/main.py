"""chat_stream: send a message and stream the answer as Server-Sent Events.

POST starts a turn; GET with ``message_id`` replays an answer from ``Last-Event-ID`` and
follows it to the end.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator

import flask
import functions_framework

from common import runtime, sse
from common.chat.events import StreamItem
from common.chat.turns import TurnRequest
from common.config import get_settings
from common.errors import InvalidRequest, PayloadTooLarge, RateLimited, conversation_not_found
from common.http import (
    client_address,
    conversation_token,
    parse_json,
    parse_uuid,
    serve_paths,
    serve_unrouted_paths,
    sse_response,
)
from common.logs import configure_logging, label
from common.ratelimit import RateLimiter
from common.responses import MetaData
from common.schemas import ChatBody, is_blank
from common.tokens import fingerprint, well_formed_token
from common.workers import pin_each_worker_to_a_cpu

configure_logging()
pin_each_worker_to_a_cpu()


@functions_framework.http
def chat_stream(request: flask.Request) -> flask.Response:
    return serve_paths(request, {"": {"POST": send_message, "GET": resume_answer}})


serve_unrouted_paths(chat_stream)


def send_message(request: flask.Request) -> flask.Response:
    settings = get_settings()
    body = parse_json(request, ChatBody, max_bytes=settings.max_request_bytes)
    message = body.message.strip()
    if is_blank(message):
        raise InvalidRequest("message must not be empty", code="empty_message")
    if len(message) > settings.max_message_chars:
        raise PayloadTooLarge(
            f"message is longer than {settings.max_message_chars} characters", code="message_too_long"
        )
    token = conversation_token(request)
    if body.conversation_id is not None:
        # The id may be one the client proposes: it must be unguessable like the server's own.
        if body.conversation_id.version != 4:
            raise InvalidRequest(
                "conversation_id must be a random (version 4) UUID", code="invalid_conversation_id"
            )
        if not token:
            # Continuing without the conversation's token: as if it did not exist.
            raise conversation_not_found()
        if not well_formed_token(token):
            raise InvalidRequest(
                "X-Conversation-Token must be 43 to 128 base64url characters (256 random bits or more)",
                code="invalid_conversation_token",
            )
    turn = TurnRequest(
        message=message,
        conversation_id=body.conversation_id,
        conversation_token=token,
        client_message_id=body.client_message_id,
    )
    limiter = runtime.rate_limiter()
    try:
        limiter.hit("client", client_address(request, settings.trusted_proxy_count))
        if body.conversation_id is not None:
            # Keyed by id and token, so nobody without the token can use up a conversation's limit.
            limiter.hit("conversation", f"{body.conversation_id}:{fingerprint(token)}")
    except RateLimited:
        # A retry of an answered message stores nothing and calls no model: it gets its answer.
        if not runtime.chat_service().replays(turn):
            raise
    stream = runtime.chat_service().send(turn)
    if body.conversation_id is None:
        stream = _counted_as_first_message(stream, limiter)
    return sse_response(sse.encode(stream))


def _counted_as_first_message(stream: Iterator[StreamItem], limiter: RateLimiter) -> Iterator[StreamItem]:
    """A new conversation's first message counts toward its own limit too: its id is known from
    ``meta``, which comes first, without waiting. It cannot be over the limit: it is the first."""
    meta = next(stream)
    if isinstance(meta, MetaData):
        with contextlib.suppress(RateLimited):
            limiter.hit("conversation", f"{meta.conversation_id}:{fingerprint(meta.conversation_token)}")
    return itertools.chain([meta], stream)


def resume_answer(request: flask.Request) -> flask.Response:
    message_id = parse_uuid(request.args.get("message_id", ""), "message_id")
    label(message_id=message_id)
    last_event_id = request.headers.get("Last-Event-ID") or request.args.get("last_event_id")
    stream = runtime.chat_service().resume(
        message_id,
        token=conversation_token(request),
        offset=sse.parse_last_event_id(last_event_id, str(message_id)),
    )
    return sse_response(sse.encode(stream))
