"""The chat, as handlers see it: send a message, or resume an answer. Built once per instance
(``common.runtime``) with everything it depends on."""

from __future__ import annotations

import dataclasses
import logging
import time
import uuid
from collections.abc import Callable, Iterator

from common import logs
from common.chat.events import StreamItem, final_event_for
from common.chat.following import AnswerReader, CheckpointFollower, StoredAnswer, follow
from common.chat.generation import AnswerJob, AnswerWriter
from common.chat.prompt import build_prompt, estimate_tokens
from common.chat.relay import AnswerChannel
from common.chat.settings import ChatSettings
from common.chat.summary import summarise_if_needed
from common.chat.turns import HISTORY_WINDOW, TurnRequest, TurnStarted, start_turn
from common.errors import DatabaseUnavailable, NotFound
from common.knowledge.entries import Knowledge
from common.knowledge.grounding import build_system_instruction
from common.llm import AnswerSource, LLMClient
from common.responses import MetaData
from common.tokens import TokenKeys
from common.unit_of_work import UnitOfWorkFactory

log = logging.getLogger(__name__)

# A direct FAQ answer needs its match this far ahead of the runner-up (score share).
FAQ_MIN_MARGIN = 0.3


class ChatService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        writer: AnswerWriter,
        model: LLMClient | None,
        knowledge: Callable[[], Knowledge],
        keys: TokenKeys,
        settings: ChatSettings,
    ) -> None:
        self._uow = uow
        self._writer = writer
        self._model = model
        self._knowledge = knowledge
        self._keys = keys
        self._settings = settings

    def send(self, request: TurnRequest) -> Iterator[StreamItem]:
        """Store the question, start (or find) its answer, and return the stream to relay.

        Errors before the answer starts (unknown conversation, wrong token, database down) are
        raised here, before any byte is sent. The stream keeps the request open until this
        instance has stored the answer, even after the client left: Cloud Run gives an instance
        CPU only while a request is open.
        """
        turn = start_turn(
            uow=self._uow, request=request, keys=self._keys, lease_seconds=self._settings.lease_seconds
        )
        logs.label(conversation_id=turn.conversation_id, message_id=turn.assistant_message_id)
        try:
            reader, source = self._answer(turn)
        except Exception:
            # The question is stored; its placeholder must not stay "streaming" with no writer.
            if not turn.replay:
                self._writer.abandon(turn.assistant_message_id, code="internal_error")
            raise
        return self._stream(reader, turn.assistant_message_id, meta=turn.meta(source))

    def resume(self, message_id: uuid.UUID, *, token: str | None, offset: int) -> Iterator[StreamItem]:
        """Replay an answer from character ``offset`` and follow it to its end."""
        with self._uow() as tx:
            message = tx.conversations.get_message(message_id)
            conversation = tx.conversations.get(message.conversation_id) if message else None
            missing = NotFound("message not found", code="message_not_found")
            self._keys.require(conversation, token, missing=missing)
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
            still_writing: AnswerSource = "model" if self._model is not None else "knowledge"
            return self._reader(turn.assistant_message_id), stored if turn.replay_source else still_writing
        knowledge = self._knowledge()
        llm = self._answerer(knowledge, turn.question)
        prompt = build_prompt(
            system_instruction=build_system_instruction(knowledge),
            history=turn.history,
            message=turn.question,
            budget=self._settings.history_token_budget,
            summary=turn.summary,
        )
        fallback = None
        if self._settings.knowledge_fallback and llm.source == "model":
            from common.knowledge.answerer import KnowledgeAnswerer

            fallback = KnowledgeAnswerer(knowledge)
        job = AnswerJob(llm, prompt, turn.assistant_message_id, knowledge.version, fallback)
        then = (lambda text: self._summarise(turn, text, llm)) if llm.source == "model" else None
        prepare = (lambda job: self._after_earlier_answers(turn, job)) if turn.earlier_pending else None
        return self._writer.launch(job, then=then, prepare=prepare), llm.source

    def _after_earlier_answers(self, turn: TurnStarted, job: AnswerJob) -> AnswerJob:
        """Wait until no answer before this turn is being written, then rebuild the prompt from
        the history as stored now. Polls Postgres (no connection is held while waiting), so it
        works whichever instance writes the earlier answer; a dead writer's lease runs out."""
        settings = self._settings
        give_up_at = time.monotonic() + settings.deadline_seconds + settings.final_save_window_seconds
        while time.monotonic() < give_up_at:
            try:
                with self._uow() as tx:
                    tx.conversations.expire_leases(conversation_id=turn.conversation_id)
                    if not tx.conversations.earlier_answer_streaming(
                        turn.conversation_id, before_position=turn.user_position
                    ):
                        break
            except DatabaseUnavailable:
                pass  # keep waiting: the earlier answer cannot be stored either
            time.sleep(settings.checkpoint_interval_seconds)
        else:
            log.warning("an earlier answer is still streaming; answering without waiting longer")
        with self._uow() as tx:
            conversation = tx.conversations.get(turn.conversation_id)
            assert conversation is not None, "the turn was stored in it"
            history = tx.conversations.history(
                turn.conversation_id,
                after_position=conversation.summary_through_position,
                before_position=turn.user_position,
                limit=HISTORY_WINDOW,
            )
        prompt = build_prompt(
            system_instruction=job.prompt.system_instruction,
            history=history,
            message=turn.question,
            budget=settings.history_token_budget,
            summary=conversation.summary,
        )
        return dataclasses.replace(job, prompt=prompt)

    def _answerer(self, knowledge: Knowledge, question: str) -> LLMClient:
        """The model, unless there is none or a confident FAQ match can answer without a call."""
        from common.knowledge.answerer import KnowledgeAnswerer
        from common.knowledge.retrieval import knowledge_index

        if self._model is None:
            return KnowledgeAnswerer(knowledge)
        min_score = self._settings.faq_direct_answer_min_score
        if min_score is not None:
            match = knowledge_index(knowledge).best(question, kind="faq")
            if match is not None and match.score >= min_score and match.margin >= FAQ_MIN_MARGIN:
                return KnowledgeAnswerer(knowledge, entry=match.entry)
        return self._model

    def _reader(self, message_id: uuid.UUID) -> AnswerReader:
        """This instance's live channel, the stored final text, or another instance's checkpoints."""
        channel = self._writer.relays.get(str(message_id))
        if channel is not None:
            return channel
        with self._uow() as tx:
            message = tx.conversations.get_message(message_id)
            final = final_event_for(message) if message else None
            content = message.content if message else ""
        channel = self._writer.relays.get(str(message_id))  # it may have finished meanwhile
        if channel is not None:
            return channel
        if final is not None:
            return StoredAnswer(content, final)
        return CheckpointFollower(
            uow=self._uow,
            message_id=message_id,
            poll_seconds=self._settings.checkpoint_interval_seconds,
            # Through a database outage, ping for as long as a lease would have kept the answer.
            outage_limit_seconds=2 * self._settings.lease_seconds,
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
                heartbeat_seconds=self._settings.heartbeat_seconds,
                offset=offset,
            )
        finally:
            generation = (
                self._writer.relays.thread(str(message_id)) if isinstance(reader, AnswerChannel) else None
            )
            if generation is not None:
                # Until the answer is stored: waiting for an earlier answer, generating, saving.
                settings = self._settings
                generation.join(
                    timeout=2 * settings.deadline_seconds + settings.final_save_window_seconds + 60
                )

    def _summarise(self, turn: TurnStarted, answer: str, llm: LLMClient) -> None:
        """Fold older turns into the summary if the conversation has outgrown the history budget."""
        budget = self._settings.history_token_budget
        if len(turn.history) < HISTORY_WINDOW - 2:
            used = sum(estimate_tokens(t.text) for t in turn.history) + estimate_tokens(
                turn.question + answer
            )
            if used <= budget:
                return  # skip the queries
        summarise_if_needed(uow=self._uow, llm=llm, conversation_id=turn.conversation_id, budget=budget)
