"""What a relayed answer came to: the fields stored with it and the event that ends its stream."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from common.chat.events import FinalEvent, done_event, error_event
from common.chat.relay import AnswerChannel
from common.errors import ModelError
from common.llm import LLMClient, StreamEnd
from common.models import MessageStatus

log = logging.getLogger(__name__)

SAFETY_REFUSAL = (
    "I'm sorry, I can't help with that request. I'm happy to answer questions about "
    "shipping, delivery, returns or our support hours."
)


@dataclass
class RelayedAnswer:
    """What generation produced, gathered while relaying."""

    parts: list[str] = field(default_factory=list)
    end: StreamEnd | None = None
    error: ModelError | None = None
    first_token_at: float | None = None
    # The model asked to hand the conversation to a person.
    person_requested: bool = False

    @property
    def text(self) -> str:
        return "".join(self.parts)


def estimate_cost(
    prices: Mapping[str, tuple[float, float]],
    llm: LLMClient,
    input_tokens: int | None,
    output_tokens: int | None,
) -> float | None:
    """The answer's cost in USD, or None for a model without a price (answers from knowledge cost 0)."""
    if llm.source == "knowledge":
        return 0.0
    price = prices.get(llm.model)
    if price is None or (input_tokens is None and output_tokens is None):
        return None
    return round(((input_tokens or 0) * price[0] + (output_tokens or 0) * price[1]) / 1_000_000, 8)


# What the request log line reports about an answer.
LOGGED_FIELDS = (
    "status",
    "finish_reason",
    "model",
    "error_code",
    "time_to_first_token_ms",
    "input_tokens",
    "output_tokens",
    "cost_usd",
)


def figures(
    answer: RelayedAnswer,
    used: LLMClient,
    started: float,
    now: float,
    prices: Mapping[str, tuple[float, float]],
) -> dict[str, Any]:
    """The answer's model, timings, tokens and cost (``started``, ``now``: its clock's readings)."""
    input_tokens = answer.end.input_tokens if answer.end else None
    output_tokens = answer.end.output_tokens if answer.end else None
    first = answer.first_token_at
    return {
        "model": used.model,
        "time_to_first_token_ms": round((first - started) * 1000) if first else None,
        "duration_ms": round((now - started) * 1000),
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "cost_usd": estimate_cost(prices, used, input_tokens, output_tokens),
    }


def outcome(
    answer: RelayedAnswer, message_id: uuid.UUID, channel: AnswerChannel
) -> tuple[dict[str, Any], FinalEvent]:
    """The stored fields and the final event for what happened."""
    if answer.error is not None:
        status = MessageStatus.INTERRUPTED if answer.parts else MessageStatus.FAILED
        fields = {"status": status, "content": answer.text, "error_code": answer.error.code}
        return {**fields, "finish_reason": "error"}, error_event(answer.error.code)
    assert answer.end is not None
    end = answer.end
    if end.blocked:
        refusal = f"\n\n{SAFETY_REFUSAL}" if answer.parts else SAFETY_REFUSAL
        channel.publish(refusal, shown=False)  # shown with the ending, once stored
        answer.parts.append(refusal)
        return (
            {"status": MessageStatus.BLOCKED, "content": answer.text, "finish_reason": "safety"},
            done_event(message_id, "safety", end.input_tokens, end.output_tokens),
        )
    if not answer.text.strip():
        # Failed as any other (README: "error" for a failed answer); the model's reason is logged.
        log.warning("empty answer (the model's finish reason: %s)", end.finish_reason)
        fields = {"status": MessageStatus.FAILED, "content": answer.text, "error_code": "empty_answer"}
        return {**fields, "finish_reason": "error"}, error_event("empty_answer")
    sources = [{"key": s.key, "title": s.title} for s in end.sources]
    fields = {"status": MessageStatus.COMPLETE, "content": answer.text, "finish_reason": end.finish_reason}
    return (
        {**fields, "sources": sources or None},
        done_event(message_id, end.finish_reason, end.input_tokens, end.output_tokens, sources),
    )
