"""Chat turns: store the question, generate and relay the answer, store the answer.

Two short transactions bracket every answer; no database connection is held while the
model streams (only brief checkpoints of the text so far).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import exc as sa_exc

from common import logs, sse
from common.db import UnitOfWork
from common.errors import ANSWER_ERRORS, Conflict, DatabaseUnavailable, ModelError, NotFound
from common.knowledge import KNOWLEDGE_MODEL, Knowledge, build_system_instruction
from common.llm import LLMClient, Prompt, StreamEnd, TextDelta, Turn
from common.models import Message, MessageStatus, Role, utcnow
from common.prompt import build_prompt, estimate_tokens
from common.relay import AnswerChannel, FinalEvent, RelayRegistry
from common.repositories import ConversationRepository
from common.services.summary import summarise_if_needed
from common.tokens import hash_token, new_token, token_matches

log = logging.getLogger(__name__)

Clock = Callable[[], float]
SaveProgress = Callable[[uuid.UUID, str], None]

SAFETY_REFUSAL = (
    "I'm sorry, I can't help with that request. I'm happy to answer questions about "
    "shipping, delivery, returns or our support hours."
)
# A repeated send (same client_message_id) whose answer ended like this is answered anew;
# any other answer is replayed as stored (or followed while it is still being written).
RETRY_GENERATES = frozenset({MessageStatus.FAILED, MessageStatus.INTERRUPTED})
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
# A direct FAQ answer needs its match this far ahead of the runner-up (score share).
FAQ_MIN_MARGIN = 0.3
# How many earlier messages are read to build a prompt; the token budget trims further.
HISTORY_WINDOW = 60


@dataclass(frozen=True)
class TurnRequest:
    message: str
    conversation_id: uuid.UUID | None = None
    conversation_token: str | None = None
    client_message_id: str | None = None


@dataclass(frozen=True)
class TurnStarted:
    conversation_id: uuid.UUID
    conversation_token: str
    user_message_id: uuid.UUID
    assistant_message_id: uuid.UUID
    question: str
    history: list[Turn] = field(default_factory=list)
    summary: str | None = None
    # True when this request repeats an earlier one (same client_message_id): nothing
    # new was stored and the existing answer is replayed instead of generated again.
    replay: bool = False
    # For a replay: where the stored answer came from ("model", "knowledge", "fallback").
    replay_source: str | None = None

    def meta(self, answer_source: str) -> dict[str, str]:
        return {
            "answer_source": answer_source,
            "conversation_id": str(self.conversation_id),
            "conversation_token": self.conversation_token,
            "user_message_id": str(self.user_message_id),
            "assistant_message_id": str(self.assistant_message_id),
        }


@dataclass(frozen=True)
class AnswerSettings:
    checkpoint_interval_seconds: float = 0.5
    deadline_seconds: float = 300.0
    # The longest a live writer goes without a checkpoint (the model's silence before its
    # first token, retries included); a streaming answer quiet for longer has lost its writer.
    quiet_limit_seconds: float = 120.0
    # USD per million tokens, (input, output), by model: for the cost recorded with each answer.
    prices: Mapping[str, tuple[float, float]] = field(default_factory=dict)


def estimate_cost(
    prices: Mapping[str, tuple[float, float]], model: str, input_tokens: int | None, output_tokens: int | None
) -> float | None:
    """The answer's cost in USD, or None for a model without a price (answers from knowledge cost 0)."""
    if model == KNOWLEDGE_MODEL:
        return 0.0
    price = prices.get(model)
    if price is None or (input_tokens is None and output_tokens is None):
        return None
    return round(((input_tokens or 0) * price[0] + (output_tokens or 0) * price[1]) / 1_000_000, 8)


def start_turn(*, uow: UnitOfWork, request: TurnRequest, token_secret: str | None) -> TurnStarted:
    """Store the shopper's message and a ``streaming`` placeholder for the answer, atomically.

    Raises ``NotFound`` for an unknown conversation or a wrong token (indistinguishable on
    purpose, so ids cannot be probed). A repeated ``client_message_id`` replays or re-answers
    the earlier turn instead of storing the message twice (see ``RETRY_GENERATES``).
    """
    try:
        with uow() as session:
            return _new_turn(ConversationRepository(session), request, token_secret)
    except sa_exc.IntegrityError as exc:
        # The (conversation, client_message_id) constraint clashed: the send is a repeat. Its
        # transaction is gone; look at the earlier turn in a new one.
        if request.client_message_id is None or "uq_messages_client_id" not in str(exc.orig):
            raise
        log.info("repeated client_message_id: replaying or answering the earlier turn")
    with uow() as session:
        return _repeated_turn(ConversationRepository(session), request, token_secret)


def _new_turn(repo: ConversationRepository, request: TurnRequest, token_secret: str | None) -> TurnStarted:
    """The common case, in one statement."""
    if request.conversation_id is None:
        token = new_token()
        conversation_id, user_id, assistant_id = repo.start_conversation(
            token_hash=hash_token(token, token_secret),
            question=request.message,
            client_message_id=request.client_message_id,
        )
        return TurnStarted(conversation_id, token, user_id, assistant_id, question=request.message)
    token = request.conversation_token or ""
    # The stored value is a keyed hash of a 256-bit random token, so comparing it in SQL
    # reveals nothing useful through timing.
    continued = repo.continue_conversation(
        request.conversation_id,
        token_hash=hash_token(token, token_secret),
        question=request.message,
        client_message_id=request.client_message_id,
        history_limit=HISTORY_WINDOW,
    )
    if continued is None:
        raise NotFound("conversation not found", code="conversation_not_found")
    return TurnStarted(
        request.conversation_id,
        token,
        continued.user_message_id,
        continued.assistant_message_id,
        question=request.message,
        history=[Turn("user" if role == Role.USER else "model", text) for role, text in continued.history],
        summary=continued.summary,
    )


def _repeated_turn(
    repo: ConversationRepository, request: TurnRequest, token_secret: str | None
) -> TurnStarted:
    """A send whose client_message_id is already stored: replay its answer, or answer it again."""
    assert request.conversation_id is not None
    assert request.client_message_id is not None
    token = request.conversation_token or ""
    conversation = repo.get(request.conversation_id, for_update=True)
    if conversation is None or not token_matches(token, conversation.token_hash, token_secret):
        raise NotFound("conversation not found", code="conversation_not_found")
    earlier = repo.find_by_client_message_id(conversation.id, request.client_message_id)
    assert earlier is not None, "the unique constraint clashed on this id"
    if earlier.content != request.message:
        raise Conflict(
            "this client_message_id was already used for a different message", code="client_message_id_reused"
        )
    reply = repo.latest_reply(earlier.id)
    assert reply is not None, "a user message is always stored with its reply"
    if reply.status not in RETRY_GENERATES:
        return TurnStarted(
            conversation.id,
            token,
            earlier.id,
            reply.id,
            question=earlier.content,
            replay=True,
            replay_source=reply.source,
        )
    # The earlier answer failed: answer the same stored question again.
    assistant = repo.add_message(
        conversation, role=Role.ASSISTANT, content="", status=MessageStatus.STREAMING, reply_to_id=earlier.id
    )
    history = repo.history(
        conversation.id,
        after_position=conversation.summary_through_position,
        before_position=earlier.position,
        limit=HISTORY_WINDOW,
    )
    return TurnStarted(
        conversation.id,
        token,
        earlier.id,
        assistant.id,
        question=earlier.content,
        history=[Turn("user" if role == Role.USER else "model", text) for role, text in history],
        summary=conversation.summary,
    )


@dataclass
class _Answer:
    """What generation produced, gathered while relaying."""

    parts: list[str] = field(default_factory=list)
    end: StreamEnd | None = None
    error: ModelError | None = None
    first_token_at: float | None = None

    @property
    def text(self) -> str:
        return "".join(self.parts)


def choose_answerer(
    *, model: LLMClient | None, knowledge: Knowledge, question: str, faq_min_score: float | None
) -> LLMClient:
    """The model, unless there is none or a confident FAQ match can answer without a call."""
    from common.knowledge_answerer import KnowledgeAnswerer, knowledge_index

    if model is None:
        return KnowledgeAnswerer(knowledge)
    if faq_min_score is not None:
        match = knowledge_index(knowledge).best(question, kind="faq")
        if match is not None and match.score >= faq_min_score and match.margin >= FAQ_MIN_MARGIN:
            return KnowledgeAnswerer(knowledge, entry=match.entry)
    return model


def answer_source(llm: LLMClient) -> str:
    """What the shopper is told the answer comes from: ``model`` or ``knowledge``."""
    return "knowledge" if llm.model == KNOWLEDGE_MODEL else "model"


def generate_answer(
    *,
    uow: UnitOfWork,
    llm: LLMClient,
    prompt: Prompt,
    assistant_message_id: uuid.UUID,
    channel: AnswerChannel,
    knowledge: Knowledge,
    limits: AnswerSettings,
    save_progress: SaveProgress,
    fallback: LLMClient | None = None,
    clock: Clock = time.monotonic,
) -> FinalEvent:
    """Stream the answer into ``channel``, then store it and close the channel.

    Runs to the end whether or not anybody is still reading. If the model fails before its
    first token and a ``fallback`` is given, the fallback answers instead and the stored
    message records why (``source="fallback"``, ``error_code`` of the model's failure).
    """
    started = clock()
    answer = _relay(llm, prompt, channel, started, assistant_message_id, save_progress, limits, clock)
    used, source, fallback_reason = llm, answer_source(llm), None
    if answer.error is not None and not answer.parts and fallback is not None:
        fallback_reason = answer.error.code
        log.warning("model failed before its first token (%s); answering from knowledge", fallback_reason)
        answer = _relay(
            fallback, prompt, channel, started, assistant_message_id, save_progress, limits, clock
        )
        used, source = fallback, "fallback"
    fields, final = _outcome(answer, assistant_message_id, channel)
    input_tokens = answer.end.input_tokens if answer.end else None
    output_tokens = answer.end.output_tokens if answer.end else None
    fields.update(
        model=used.model,
        source=source,
        knowledge_version=knowledge.version,
        time_to_first_token_ms=(
            round((answer.first_token_at - started) * 1000) if answer.first_token_at else None
        ),
        duration_ms=round((clock() - started) * 1000),
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cost_usd=estimate_cost(limits.prices, used.model, input_tokens, output_tokens),
    )
    if fallback_reason is not None and fields["status"] == MessageStatus.COMPLETE:
        fields["error_code"] = fallback_reason
    # The request's log line carries the answer's figures (never its text).
    logs.annotate(
        answer_source=source,
        answer_duration_ms=fields["duration_ms"],
        **{k: fields.get(k) for k in LOGGED_FIELDS},
    )
    try:
        _save_final(uow, assistant_message_id, fields)
    except DatabaseUnavailable:
        # The shopper saw the whole answer, but it could not be stored: say so rather
        # than pretend. The checkpointed text stays, and the message is later marked lost.
        final = error_event("answer_not_saved")
    channel.close(final)
    return final


def _relay(
    llm: LLMClient,
    prompt: Prompt,
    channel: AnswerChannel,
    started: float,
    message_id: uuid.UUID,
    save_progress: SaveProgress,
    limits: AnswerSettings,
    clock: Clock,
) -> _Answer:
    answer = _Answer()
    last_checkpoint = started
    try:
        for event in llm.stream(prompt):
            now = clock()
            if now - started > limits.deadline_seconds:
                raise ModelError("model_timeout")
            if isinstance(event, TextDelta):
                if answer.first_token_at is None:
                    answer.first_token_at = now
                answer.parts.append(event.text)
                channel.publish(event.text)
                if now - last_checkpoint >= limits.checkpoint_interval_seconds:
                    save_progress(message_id, answer.text)
                    last_checkpoint = now
            else:
                answer.end = event
    except ModelError as exc:
        answer.error = exc
    except Exception as exc:
        # The type only: an SDK or validation error may quote the model's text.
        log.error("answer generation failed: %s", type(exc).__name__)
        answer.error = ModelError("internal_error")
    return answer


def _outcome(
    answer: _Answer, message_id: uuid.UUID, channel: AnswerChannel
) -> tuple[dict[str, object], FinalEvent]:
    """The stored fields and the final event for what happened."""
    if answer.error is not None:
        status = MessageStatus.INTERRUPTED if answer.parts else MessageStatus.FAILED
        return (
            {
                "status": status,
                "content": answer.text,
                "error_code": answer.error.code,
                "finish_reason": "error",
            },
            error_event(answer.error.code),
        )
    assert answer.end is not None
    if answer.end.blocked:
        refusal = f"\n\n{SAFETY_REFUSAL}" if answer.parts else SAFETY_REFUSAL
        channel.publish(refusal)
        answer.parts.append(refusal)
        return (
            {"status": MessageStatus.BLOCKED, "content": answer.text, "finish_reason": "safety"},
            done_event(message_id, "safety", answer.end.input_tokens, answer.end.output_tokens),
        )
    if not answer.text.strip():
        return (
            {
                "status": MessageStatus.FAILED,
                "content": answer.text,
                "error_code": "empty_answer",
                "finish_reason": answer.end.finish_reason,
            },
            error_event("empty_answer"),
        )
    return (
        {"status": MessageStatus.COMPLETE, "content": answer.text, "finish_reason": answer.end.finish_reason},
        done_event(message_id, answer.end.finish_reason, answer.end.input_tokens, answer.end.output_tokens),
    )


def _save_final(uow: UnitOfWork, message_id: uuid.UUID, fields: dict[str, object], attempts: int = 5) -> None:
    """Store the finished answer, retrying a flaky database: an answer is never dropped silently."""
    for attempt in range(1, attempts + 1):
        try:
            with uow() as session:
                ConversationRepository(session).finish_message(message_id, **fields)
            return
        except DatabaseUnavailable:
            if attempt == attempts:
                log.error("final save failed after retries", extra={"message_id": str(message_id)})
                raise
            time.sleep(min(0.2 * 2**attempt, 3.0))


def done_event(
    message_id: uuid.UUID | str,
    finish_reason: str | None,
    input_tokens: int | None,
    output_tokens: int | None,
) -> FinalEvent:
    return FinalEvent(
        "done",
        {
            "assistant_message_id": str(message_id),
            "finish_reason": finish_reason or "stop",
            "usage": {"input_tokens": input_tokens or 0, "output_tokens": output_tokens or 0},
        },
    )


def error_event(code: str) -> FinalEvent:
    message, retryable = ANSWER_ERRORS.get(code, ANSWER_ERRORS["internal_error"])
    return FinalEvent("error", {"code": code, "message": message, "retryable": retryable})


def final_event_for(message: Message) -> FinalEvent | None:
    """The final event of a stored answer, or None while it is still streaming."""
    if message.status == MessageStatus.STREAMING:
        return None
    if message.status in (MessageStatus.COMPLETE, MessageStatus.BLOCKED):
        return done_event(message.id, message.finish_reason, message.input_tokens, message.output_tokens)
    return error_event(message.error_code or "internal_error")


def launch_answer(
    *,
    uow: UnitOfWork,
    llm: LLMClient,
    relays: RelayRegistry,
    turn: TurnStarted,
    knowledge: Knowledge,
    history_budget: int,
    limits: AnswerSettings,
    save_progress: SaveProgress,
    fallback: LLMClient | None = None,
) -> AnswerChannel:
    """Start generating the answer in the background and return the channel to follow.

    After the answer is stored, the same thread summarises older turns if the conversation
    has outgrown the history budget (one extra model call, off the hot path).
    """
    message_id = str(turn.assistant_message_id)
    try:
        prompt = build_prompt(
            system_instruction=build_system_instruction(knowledge),
            history=turn.history,
            message=turn.question,
            budget=history_budget,
            summary=turn.summary,
        )
        channel = relays.open(message_id)
    except Exception:
        abandon_answer(uow=uow, message_id=turn.assistant_message_id, code="internal_error")
        raise

    def run() -> None:
        try:
            generate_answer(
                uow=uow,
                llm=llm,
                prompt=prompt,
                assistant_message_id=turn.assistant_message_id,
                channel=channel,
                knowledge=knowledge,
                limits=limits,
                fallback=fallback,
                save_progress=save_progress,
            )
        except Exception as exc:
            # Whatever broke, readers get an ending and the row does not stay "streaming".
            log.error(
                "answer generation crashed: %s", type(exc).__name__, exc_info=not isinstance(exc, ModelError)
            )
            abandon_answer(
                uow=uow, message_id=turn.assistant_message_id, code="internal_error", text=channel.text
            )
            channel.close(error_event("internal_error"))
        finally:
            relays.release(message_id)
        if answer_source(llm) == "model" and _may_need_summary(turn, channel.text, history_budget):
            summarise_if_needed(uow=uow, llm=llm, conversation_id=turn.conversation_id, budget=history_budget)

    try:
        relays.run(message_id, run)
    except Exception:
        relays.release(message_id)
        abandon_answer(uow=uow, message_id=turn.assistant_message_id, code="internal_error")
        raise
    return channel


def _may_need_summary(turn: TurnStarted, answer: str, budget: int) -> bool:
    """Whether the unsummarised turns might exceed the budget (else skip the queries)."""
    if len(turn.history) >= HISTORY_WINDOW - 2:
        return True  # the prompt saw only a window: the real total is unknown
    used = sum(estimate_tokens(t.text) for t in turn.history) + estimate_tokens(turn.question + answer)
    return used > budget


def answer_turn(
    *,
    uow: UnitOfWork,
    relays: RelayRegistry,
    turn: TurnStarted,
    model: LLMClient | None,
    knowledge: Knowledge,
    fallback: LLMClient | None,
    save_progress: SaveProgress,
    limits: AnswerSettings,
    history_budget: int,
    faq_min_score: float | None,
    token_secret: str | None,
) -> tuple[AnswerSource, str]:
    """Where the turn's answer streams from, and what it is announced as (``answer_source``).

    A repeated send follows the stored answer; a new turn starts generating one.
    """
    if turn.replay:
        source = open_answer(
            uow=uow,
            relays=relays,
            message_id=turn.assistant_message_id,
            conversation_token=turn.conversation_token,
            token_secret=token_secret,
            limits=limits,
        )
        if turn.replay_source is None:  # still being written
            return source, "model" if model is not None else "knowledge"
        return source, "model" if turn.replay_source == "model" else "knowledge"
    answerer = choose_answerer(
        model=model, knowledge=knowledge, question=turn.question, faq_min_score=faq_min_score
    )
    channel = launch_answer(
        uow=uow,
        llm=answerer,
        relays=relays,
        turn=turn,
        knowledge=knowledge,
        history_budget=history_budget,
        limits=limits,
        fallback=fallback,
        save_progress=save_progress,
    )
    return channel, answer_source(answerer)


def abandon_answer(*, uow: UnitOfWork, message_id: uuid.UUID, code: str, text: str = "") -> None:
    """Best effort: mark a ``streaming`` answer that will never finish as failed or interrupted."""
    try:
        with uow() as session:
            ConversationRepository(session).finish_streaming(
                message_id,
                status=MessageStatus.INTERRUPTED if text else MessageStatus.FAILED,
                content=text,
                error_code=code,
                finish_reason="error",
            )
    except Exception:
        log.exception("could not mark an abandoned answer")


class AnswerSource(Protocol):
    def read(self, offset: int, timeout: float) -> tuple[list[str], FinalEvent | None]: ...


class StoredAnswer:
    """An answer that is already final: its text and its final event."""

    def __init__(self, text: str, final: FinalEvent) -> None:
        self._text = text
        self._final = final

    def read(self, offset: int, timeout: float) -> tuple[list[str], FinalEvent | None]:
        rest = self._text[offset:]
        return ([rest] if rest else []), self._final


class CheckpointFollower:
    """Follows an answer another instance is writing, through its checkpoints in Postgres."""

    def __init__(
        self, *, uow: UnitOfWork, message_id: uuid.UUID, poll_seconds: float, lost_after_seconds: float
    ) -> None:
        self._uow = uow
        self._message_id = message_id
        self._poll = poll_seconds
        self._lost_after = lost_after_seconds
        self._failing_since: float | None = None

    def read(self, offset: int, timeout: float) -> tuple[list[str], FinalEvent | None]:
        until = time.monotonic() + timeout
        while True:
            try:
                text, final = self._snapshot()
                self._failing_since = None
            except DatabaseUnavailable:
                # Keep the stream (and its pings) going through a short outage; give up after a while.
                now = time.monotonic()
                self._failing_since = self._failing_since or now
                if now - self._failing_since > self._lost_after:
                    return [], error_event("resume_unavailable")
                text, final = "", None
            rest = text[offset:]
            if rest or final is not None:
                return ([rest] if rest else []), final
            remaining = until - time.monotonic()
            if remaining <= 0:
                return [], None
            time.sleep(min(self._poll, remaining))

    def _snapshot(self) -> tuple[str, FinalEvent | None]:
        with self._uow() as session:
            repo = ConversationRepository(session)
            message = repo.get_message(self._message_id)
            if message is None:
                return "", error_event("answer_lost")
            final = final_event_for(message)
            cutoff = utcnow() - dt.timedelta(seconds=self._lost_after)
            # No checkpoint for longer than a live writer ever goes quiet: its instance died.
            if (
                final is None
                and message.updated_at < cutoff
                and repo.finish_streaming(
                    message.id,
                    status=MessageStatus.INTERRUPTED,
                    error_code="answer_lost",
                    finish_reason="error",
                    updated_before=cutoff,
                )
            ):
                final = error_event("answer_lost")
            return message.content, final


def open_answer(
    *,
    uow: UnitOfWork,
    relays: RelayRegistry,
    message_id: uuid.UUID,
    conversation_token: str | None,
    token_secret: str | None,
    limits: AnswerSettings,
) -> AnswerSource:
    """Where to read an assistant answer from: this instance's live channel, the stored final
    text, or the checkpoints of another instance that is still writing it."""
    with uow() as session:
        repo = ConversationRepository(session)
        message = repo.get_message(message_id)
        conversation = repo.get(message.conversation_id) if message else None
        if (
            message is None
            or conversation is None
            or message.role != Role.ASSISTANT
            or not token_matches(conversation_token, conversation.token_hash, token_secret)
        ):
            raise NotFound("message not found", code="message_not_found")
        final = final_event_for(message)
        content = message.content
    channel = relays.get(str(message_id))
    if channel is not None:
        return channel
    if final is not None:
        return StoredAnswer(content, final)
    return CheckpointFollower(
        uow=uow,
        message_id=message_id,
        poll_seconds=limits.checkpoint_interval_seconds,
        lost_after_seconds=limits.quiet_limit_seconds,
    )


def sse_events(
    *,
    message_id: uuid.UUID,
    source: AnswerSource,
    heartbeat_seconds: float,
    offset: int = 0,
    meta: dict[str, str] | None = None,
) -> Iterator[str]:
    """The SSE body: ``meta``, one ``delta`` per chunk as it arrives, pings when quiet, then
    ``done`` or ``error``."""
    if meta is not None:
        yield sse.event("meta", meta)
    while True:
        chunks, final = source.read(offset, heartbeat_seconds)
        for chunk in chunks:
            offset += len(chunk)
            yield sse.event("delta", {"text": chunk}, event_id=f"{message_id}:{offset}")
        if final is not None:
            yield sse.event(final.name, final.data)
            return
        if not chunks:
            yield sse.comment("ping")
