"""What an answer stream is made of, before ``common.sse`` puts it on the wire."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from common.errors import ANSWER_ERRORS
from common.models import Message, MessageStatus
from common.responses import DoneData, DoneUsage, MetaData, SourceRef, StreamErrorData


@dataclass(frozen=True)
class FinalEvent:
    """The event that ends a stream: ``done`` or ``error``."""

    name: str
    data: DoneData | StreamErrorData


@dataclass(frozen=True)
class Delta:
    """The next piece of an answer; ``offset`` is the number of characters sent after it."""

    message_id: uuid.UUID
    text: str
    offset: int


@dataclass(frozen=True)
class Heartbeat:
    """Nothing new for a while: a comment line keeps proxies from closing the connection."""


StreamItem = MetaData | Delta | Heartbeat | FinalEvent


def done_event(
    message_id: uuid.UUID,
    finish_reason: str | None,
    input_tokens: int | None,
    output_tokens: int | None,
    sources: Sequence[Mapping[str, str]] = (),
) -> FinalEvent:
    usage = DoneUsage(input_tokens=input_tokens or 0, output_tokens=output_tokens or 0)
    return FinalEvent(
        "done",
        DoneData(
            assistant_message_id=message_id,
            finish_reason=finish_reason or "stop",
            usage=usage,
            sources=[SourceRef.model_validate(s) for s in sources],
        ),
    )


def error_event(code: str) -> FinalEvent:
    message, retryable = ANSWER_ERRORS.get(code, ANSWER_ERRORS["internal_error"])
    return FinalEvent("error", StreamErrorData(code=code, message=message, retryable=retryable))


def final_event_for(message: Message) -> FinalEvent | None:
    """The final event of a stored answer, or None while it is still streaming."""
    if message.status == MessageStatus.STREAMING:
        return None
    if message.status in (MessageStatus.COMPLETE, MessageStatus.BLOCKED):
        return done_event(
            message.id,
            message.finish_reason,
            message.input_tokens,
            message.output_tokens,
            message.sources or (),
        )
    return error_event(message.error_code or "internal_error")
