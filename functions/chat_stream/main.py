"""chat_stream: send a message and stream the answer as Server-Sent Events.

POST starts a turn; GET with ``message_id`` replays an answer from ``Last-Event-ID`` and
follows it to the end.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import flask
import functions_framework

from common import logs, runtime
from common.config import get_settings
from common.errors import InvalidRequest, PayloadTooLarge
from common.http import client_address, parse_json, serve, serve_unrouted_paths, sse_response
from common.logs import configure_logging
from common.relay import AnswerChannel
from common.schemas import ChatBody
from common.services import chat
from common.sse import parse_last_event_id
from common.tokens import fingerprint

configure_logging()


@functions_framework.http
def chat_stream(request: flask.Request) -> flask.Response:
    return serve(request, {"POST": send_message, "GET": resume_answer})


serve_unrouted_paths(chat_stream)


def send_message(request: flask.Request) -> flask.Response:
    settings = get_settings()
    body = parse_json(request, ChatBody, max_bytes=settings.max_request_bytes)
    message = body.message.strip()
    if not message:
        raise InvalidRequest("message must not be empty", code="empty_message")
    if len(message) > settings.max_message_chars:
        raise PayloadTooLarge(
            f"message is longer than {settings.max_message_chars} characters", code="message_too_long"
        )
    token = request.headers.get("X-Conversation-Token")
    limiter = runtime.rate_limiter()
    limiter.hit("client", client_address(request, settings.trusted_proxy_count))
    if body.conversation_id is not None:
        # Keyed by id and token, so nobody without the token can use up a conversation's limit.
        limiter.hit("conversation", f"{body.conversation_id}:{fingerprint(token)}")
    uow = runtime.unit_of_work()
    limits = runtime.answer_settings()
    turn = chat.start_turn(
        uow=uow,
        request=chat.TurnRequest(
            message=message,
            conversation_id=body.conversation_id,
            conversation_token=token,
            client_message_id=body.client_message_id,
        ),
        token_secret=runtime.token_secret(),
    )
    logs.label(conversation_id=turn.conversation_id, message_id=turn.assistant_message_id)
    try:
        knowledge = runtime.knowledge()
        source, answer_source = chat.answer_turn(
            uow=uow,
            relays=runtime.relays(),
            turn=turn,
            model=runtime.llm_client(),
            knowledge=knowledge,
            fallback=runtime.fallback(knowledge),
            save_progress=runtime.checkpointer().save,
            limits=limits,
            history_budget=settings.history_token_budget,
            faq_min_score=settings.faq_direct_answer_min_score,
            token_secret=runtime.token_secret(),
        )
    except Exception:
        # The question is stored; its placeholder must not stay "streaming" with no writer.
        if not turn.replay:
            chat.abandon_answer(uow=uow, message_id=turn.assistant_message_id, code="internal_error")
        raise
    events = chat.sse_events(
        message_id=turn.assistant_message_id,
        source=source,
        heartbeat_seconds=settings.heartbeat_seconds,
        meta=turn.meta(answer_source),
    )
    return sse_response(_hold_until_stored(events, source, turn.assistant_message_id))


def resume_answer(request: flask.Request) -> flask.Response:
    raw_id = request.args.get("message_id", "")
    try:
        message_id = uuid.UUID(raw_id)
    except ValueError as exc:
        raise InvalidRequest("message_id must be a UUID", code="invalid_message_id") from exc
    logs.label(message_id=message_id)
    source = chat.open_answer(
        uow=runtime.unit_of_work(),
        relays=runtime.relays(),
        message_id=message_id,
        conversation_token=request.headers.get("X-Conversation-Token"),
        token_secret=runtime.token_secret(),
        limits=runtime.answer_settings(),
    )
    offset = parse_last_event_id(
        request.headers.get("Last-Event-ID") or request.args.get("last_event_id"), str(message_id)
    )
    events = chat.sse_events(
        message_id=message_id,
        source=source,
        heartbeat_seconds=get_settings().heartbeat_seconds,
        offset=offset,
    )
    return sse_response(events)


def _hold_until_stored(
    events: Iterator[str], source: chat.AnswerSource, message_id: uuid.UUID
) -> Iterator[str]:
    """Relay ``events``, then keep the request open while this instance still works on the
    turn: the rest of the answer if the client left early, or a summary of a long
    conversation. Cloud Run only gives an instance CPU while a request is open; the shopper
    has the whole answer (``done``) before that."""
    try:
        yield from events
    finally:
        generation = runtime.relays().thread(str(message_id)) if isinstance(source, AnswerChannel) else None
        if generation is not None:
            generation.join(timeout=runtime.answer_settings().deadline_seconds + 60)
