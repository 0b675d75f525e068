"""The chat, as handlers see it: send a message, or resume an answer. Built once per instance
(``common.runtime``) with everything it depends on."""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from common import logs
from common.chat.early import Gate
from common.chat.events import StreamItem, final_event_for
from common.chat.following import AnswerReader, CheckpointFollower, StoredAnswer, follow
from common.chat.generation import AnswerJob, AnswerWriter, PersonRequestedHandler
from common.chat.ordering import after_earlier_answers
from common.chat.prompt import build_prompt, estimate_tokens
from common.chat.relay import AnswerChannel
from common.chat.settings import ChatSettings
from common.chat.summary import summarise_if_needed
from common.chat.turns import HISTORY_WINDOW, TurnRequest, TurnStarted, planned_turn, replays, start_turn
from common.errors import NotFound
from common.knowledge.entries import Knowledge
from common.knowledge.search.hybrid import ground
from common.llm import AnswerSource, Embedder, LLMClient
from common.responses import MetaData
from common.tokens import TokenKeys
from common.unit_of_work import UnitOfWorkFactory

log = logging.getLogger(__name__)


# How a turn answered by the handoff (not the model) is announced in ``meta``.
ANSWERED_BY_HANDOFF: AnswerSource = "knowledge"
# A direct FAQ answer needs its match this far ahead of the runner-up (score share).
FAQ_MIN_MARGIN = 0.3


class Handoff(Protocol):
    """What the chat asks of the handoff (``common.handoff.gate.HandoffGate``)."""

    def __call__(self, turn: TurnStarted) -> AnswerReader | None:
        """Answer ``turn`` instead of the assistant (a person has it, or was just asked for)."""
        ...

    def hand_over(self, turn: TurnStarted, said: str, figures: Mapping[str, Any]) -> str:
        """The model recognised a request for a person: hand over; the text that follows ``said``."""
        ...

    def asked_for(self, question: str) -> bool:
        """Whether ``question`` itself asks for a person (then ``__call__`` answers the turn)."""
        ...


@dataclass(frozen=True)
class _EarlyAnswer:
    """A new conversation's answer, asked of the model before its turn is stored."""

    turn: TurnStarted
    channel: AnswerChannel
    gate: Gate


@dataclass(frozen=True, kw_only=True)
class ChatService:
    uow: UnitOfWorkFactory
    writer: AnswerWriter
    # The model, or None when no API key is configured (the knowledge base answers).
    model: LLMClient | None
    # The shop's knowledge as of now (the per-instance cache).
    knowledge: Callable[[], Knowledge]
    keys: TokenKeys
    settings: ChatSettings
    # Answers a turn instead of the assistant while a person has the conversation
    # (or when the shopper asks for one), and hands over when the model recognises such a
    # request; None: answer as usual, no handoff. See common.handoff.gate.
    handoff: Handoff | None = None

    def send(self, request: TurnRequest) -> Iterator[StreamItem]:
        """Store the question, start (or find) its answer, and return the stream to relay.

        Errors before the answer starts (unknown conversation, wrong token, database down) are
        raised here, before any byte is sent. The stream keeps the request open until this
        instance has stored the answer, even after the client left: Cloud Run gives an instance
        CPU only while a request is open.

        The first message of a new conversation cannot repeat an earlier send and has no
        history: when the model answers it, the model is asked while its turn is being stored
        (``_answer_early``). Nothing of that answer is shown or stored unless the turn is.
        """
        early = self._answer_early(request)
        try:
            turn = start_turn(
                uow=self.uow,
                request=request,
                keys=self.keys,
                lease_seconds=self.settings.lease_seconds,
                planned=early.turn if early is not None else None,
            )
        except BaseException:
            if early is not None:
                early.gate.cancel()
            raise
        if early is not None:
            early.gate.open()
            return self._stream(early.channel, turn.assistant_message_id, meta=turn.meta("model"))
        logs.label(conversation_id=turn.conversation_id, message_id=turn.assistant_message_id)
        try:
            # A person has the conversation (or was just asked for): no answer of our own.
            held = self.handoff(turn) if self.handoff is not None and not turn.replay else None
            reader, source = (held, ANSWERED_BY_HANDOFF) if held is not None else self._answer(turn)
        except Exception:
            # The question is stored; its placeholder must not stay "streaming" with no writer.
            if not turn.replay:
                self.writer.abandon(turn.assistant_message_id, code="internal_error")
            raise
        return self._stream(reader, turn.assistant_message_id, meta=turn.meta(source))

    def replays(self, request: TurnRequest) -> bool:
        """Whether ``send(request)`` would only replay a stored answer (no insert, no model call)."""
        return replays(uow=self.uow, request=request, keys=self.keys)

    def resume(self, message_id: uuid.UUID, *, token: str | None, offset: int) -> Iterator[StreamItem]:
        """Replay an answer from character ``offset`` and follow it to its end."""
        with self.uow() as tx:
            message = tx.conversations.get_message(message_id)
            conversation = tx.conversations.get(message.conversation_id) if message else None
            missing = NotFound("message not found", code="message_not_found")
            self.keys.require(conversation, token, missing=missing)
            if message is None or message.role != "assistant":
                raise missing
        return self._stream(self._reader(message_id), message_id, offset=offset)

    def _answer(self, turn: TurnStarted) -> tuple[AnswerReader, AnswerSource]:
        """Where the turn's answer streams from, and what it is announced as.

        A turn sent while an earlier answer in the conversation is still being written waits
        for it (in the generation thread: the shopper gets ``meta``, then heartbeats) and
        is answered with that question and answer in its prompt.
        """
        if turn.replay:
            stored: AnswerSource = "model" if turn.replay_source == "model" else "knowledge"
            still_writing: AnswerSource = "model" if self.model is not None else "knowledge"
            return self._reader(turn.assistant_message_id), stored if turn.replay_source else still_writing
        knowledge = self.knowledge()
        llm = self._answerer(knowledge, turn.question)
        return self._launch(turn, knowledge, llm), llm.source

    def _answer_early(self, request: TurnRequest) -> _EarlyAnswer | None:
        """Start the model on a new conversation's first message before its turn is stored,
        so that the insert overlaps the model's time to its first token. None where the turn
        must be stored first: a later message, no model, a question for a person, or one a
        FAQ entry answers without the model."""
        planned = planned_turn(request)
        if planned is None or self.model is None:
            return None
        if self.handoff is not None and self.handoff.asked_for(planned.question):
            return None
        knowledge = self.knowledge()
        llm = self._answerer(knowledge, planned.question)
        if llm.source != "model":
            return None
        # Before the launch: the generation thread keeps the request's log labels.
        logs.label(conversation_id=planned.conversation_id, message_id=planned.assistant_message_id)
        gate = Gate()
        return _EarlyAnswer(planned, self._launch(planned, knowledge, llm, gate=gate), gate)

    def _launch(
        self, turn: TurnStarted, knowledge: Knowledge, llm: LLMClient, gate: Gate | None = None
    ) -> AnswerChannel:
        """Start writing the turn's answer by ``llm``, grounded in ``knowledge``."""
        hand_over = self._hand_over(turn) if llm.source == "model" else None
        # The whole knowledge, or (over the budget) the question's top entries.
        system_instruction = ground(
            knowledge,
            turn.question,
            budget=self.settings.knowledge_token_budget,
            top=self.settings.knowledge_top_entries,
            embedder=self.model if isinstance(self.model, Embedder) else None,
        )
        prompt = build_prompt(
            system_instruction=system_instruction,
            history=turn.history,
            message=turn.question,
            budget=self.settings.history_token_budget,
            summary=turn.summary,
            offers_handoff=hand_over is not None,
        )
        fallback = None
        if self.settings.knowledge_fallback and llm.source == "model":
            from common.knowledge.answering.answerer import KnowledgeAnswerer

            fallback = KnowledgeAnswerer(knowledge)
        job = AnswerJob(llm, prompt, turn.assistant_message_id, knowledge.version, fallback, hand_over)
        then = (lambda text: self._summarise(turn, text, llm)) if llm.source == "model" else None
        prepare = (
            functools.partial(after_earlier_answers, self.uow, self.settings, turn)
            if turn.earlier_pending
            else None
        )
        return self.writer.launch(job, then=then, prepare=prepare, gate=gate)

    def _hand_over(self, turn: TurnStarted) -> PersonRequestedHandler | None:
        """How the model's request for a person becomes a handoff of ``turn`` (None: the model
        is not offered one, there being no handoff on this instance)."""
        return functools.partial(self.handoff.hand_over, turn) if self.handoff is not None else None

    def _answerer(self, knowledge: Knowledge, question: str) -> LLMClient:
        """The model, unless there is none or a confident FAQ match can answer without a call."""
        from common.knowledge.answering.answerer import KnowledgeAnswerer
        from common.knowledge.search.retrieval import knowledge_index

        if self.model is None:
            return KnowledgeAnswerer(knowledge)
        min_score = self.settings.faq_direct_answer_min_score
        if min_score is not None:
            match = knowledge_index(knowledge).best(question, kind="faq")
            if match is not None and match.score >= min_score and match.margin >= FAQ_MIN_MARGIN:
                return KnowledgeAnswerer(knowledge, entry=match.entry)
        return self.model

    def _reader(self, message_id: uuid.UUID) -> AnswerReader:
        """This instance's live channel, the stored final text, or another instance's checkpoints."""
        channel = self.writer.relays.get(str(message_id))
        if channel is not None:
            return channel
        with self.uow() as tx:
            message = tx.conversations.get_message(message_id)
            final = final_event_for(message) if message else None
            content = message.content if message else ""
        channel = self.writer.relays.get(str(message_id))  # it may have finished meanwhile
        if channel is not None:
            return channel
        if final is not None:
            return StoredAnswer(content, final)
        return CheckpointFollower(
            uow=self.uow,
            message_id=message_id,
            poll_seconds=self.settings.checkpoint_interval_seconds,
            # Through a database outage, ping for as long as a lease would have kept the answer.
            outage_limit_seconds=2 * self.settings.lease_seconds,
        )

    def _stream(
        self, reader: AnswerReader, message_id: uuid.UUID, *, meta: MetaData | None = None, offset: int = 0
    ) -> Iterator[StreamItem]:
        try:
            if meta is not None:
                yield meta
            yield from follow(
                reader,
                message_id=message_id,
                heartbeat_seconds=self.settings.heartbeat_seconds,
                offset=offset,
            )
        finally:
            generation = (
                self.writer.relays.thread(str(message_id)) if isinstance(reader, AnswerChannel) else None
            )
            if generation is not None:
                # Until the answer is stored: waiting for an earlier answer, generating, saving.
                settings = self.settings
                generation.join(
                    timeout=2 * settings.deadline_seconds + settings.final_save_window_seconds + 60
                )

    def _summarise(self, turn: TurnStarted, answer: str, llm: LLMClient) -> None:
        """Fold older turns into the summary if the conversation has outgrown the history budget."""
        budget = self.settings.history_token_budget
        if len(turn.history) < HISTORY_WINDOW - 2:
            used = sum(estimate_tokens(t.text) for t in turn.history) + estimate_tokens(
                turn.question + answer
            )
            if used <= budget:
                return  # skip the queries
        summarise_if_needed(uow=self.uow, llm=llm, conversation_id=turn.conversation_id, budget=budget)
