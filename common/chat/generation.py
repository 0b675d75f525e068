"""Writing an answer: relay the model's chunks into a channel as they arrive, checkpoint the
text so far, then store the outcome. Runs to the end whether or not anybody still reads."""

from __future__ import annotations

import functools
import logging
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from common import logs
from common.chat.early import Gate, Prefetched, StartedEarly, start_early
from common.chat.events import FinalEvent, done_event, error_event
from common.chat.outcome import LOGGED_FIELDS, RelayedAnswer, figures, outcome
from common.chat.relay import AnswerChannel, RelayRegistry
from common.chat.settings import ChatSettings
from common.errors import DatabaseUnavailable, ModelError
from common.llm import LLMClient, PersonRequested, Prompt, StreamEvent, TextDelta
from common.models import MessageStatus
from common.responses import DoneData
from common.unit_of_work import UnitOfWorkFactory

log = logging.getLogger(__name__)

Clock = Callable[[], float]
# Given what the model wrote and the answer's figures, opens the handoff and stores the answer;
# returns the text that follows what the model wrote (``HandoffGate.hand_over``).
PersonRequestedHandler = Callable[[str, Mapping[str, Any]], str]
HANDED_OVER = "handoff"  # the finish reason of a turn handed to a person


class ProgressWriter(Protocol):
    """Where checkpoints and leases go (``common.chat.checkpoints.Checkpointer``)."""

    def save(self, message_id: uuid.UUID, text: str, shown: Callable[[int], None] | None = None) -> None:
        """Queue the text so far; ``shown(len(text))`` once it is saved (or cannot be)."""

    def hold(self, message_id: uuid.UUID) -> None: ...
    def release(self, message_id: uuid.UUID) -> None: ...


@dataclass(frozen=True)
class AnswerJob:
    """One answer to write: who answers, from what prompt, as which message."""

    llm: LLMClient
    prompt: Prompt
    message_id: uuid.UUID
    knowledge_version: int
    # Answers instead when ``llm`` fails before its first token.
    fallback: LLMClient | None = None
    # Set when the prompt offers the model a handoff (``Prompt.offers_handoff``).
    on_person_requested: PersonRequestedHandler | None = None


@dataclass(frozen=True, kw_only=True)
class AnswerWriter:
    """Generates and stores answers; built once per instance with what every answer needs."""

    uow: UnitOfWorkFactory
    relays: RelayRegistry
    checkpoints: ProgressWriter
    settings: ChatSettings
    clock: Clock = time.monotonic
    sleep: Callable[[float], None] = time.sleep

    def launch(
        self,
        job: AnswerJob,
        *,
        then: Callable[[str], None] | None = None,
        prepare: Callable[[AnswerJob], AnswerJob] | None = None,
        gate: Gate | None = None,
    ) -> AnswerChannel:
        """Write the answer in a thread that outlives the request; return the channel to follow.

        ``prepare`` runs first in that thread and returns the job to write (a turn waiting for
        the answer before it). ``then`` runs in the same thread once the answer is stored, with
        its text. The answer's lease is renewed until it is stored. Whatever breaks, readers
        get an ending and the row does not stay ``streaming``.

        With a ``gate``, the turn is not stored yet: the model is asked at once, so that its
        time to the first token overlaps the turn's insert, but nothing is published, saved or
        stored until the gate opens; if it is cancelled, the model's stream is closed and the
        answer dropped.
        """
        key = str(job.message_id)
        try:
            channel = self.relays.open(key)
        except Exception:
            self.abandon(job.message_id, code="internal_error")
            raise
        self.checkpoints.hold(job.message_id)
        try:
            self.relays.run(key, functools.partial(self._run, job, channel, then, prepare, gate))
        except Exception:
            self.checkpoints.release(job.message_id)
            self.relays.release(key)
            self.abandon(job.message_id, code="internal_error")
            raise
        return channel

    def _run(
        self,
        job: AnswerJob,
        channel: AnswerChannel,
        then: Callable[[str], None] | None,
        prepare: Callable[[AnswerJob], AnswerJob] | None,
        gate: Gate | None,
    ) -> None:
        """The generation thread's work (``launch``)."""
        final: FinalEvent | None = None
        try:
            if gate is None:
                final = self.write(prepare(job) if prepare is not None else job, channel)
            elif (early := start_early(job.llm, job.prompt, gate, self.clock, self.settings)) is not None:
                final = self.write(job, channel, early=early)
            else:
                channel.close(error_event("internal_error"))  # the turn was never stored
                return
        except Exception as exc:
            log.error("answer generation crashed: %s", type(exc).__name__, exc_info=True)
            self.abandon(job.message_id, code="internal_error", text=channel.text)
            channel.close(error_event("internal_error"))
        finally:
            self.checkpoints.release(job.message_id)
            self.relays.release(str(job.message_id))
        if then is not None and not _handed_over(final):
            then(channel.text)  # a turn handed to a person has no answer to follow up on

    def write(
        self, job: AnswerJob, channel: AnswerChannel, *, early: StartedEarly | None = None
    ) -> FinalEvent:
        """Stream the answer into ``channel``, close the channel, and store the answer.

        Readers get the final event once the answer is stored (showing only saved text) or as
        soon as the model finished (``STREAM_DURABILITY=immediate``); a save that fails is
        retried for ``final_save_window_seconds``, the answer kept in memory meanwhile and the
        ending sent at once (the request stays open, so the platform keeps the CPU).

        If the model fails before its first token and the job has a fallback, the fallback
        answers instead and the stored message records why (``source="fallback"`` and the
        model's ``error_code``). If the model asks for a person and the job can hand over, the
        turn becomes a handoff instead (``_hand_over``).
        """
        started = early.started if early is not None else self.clock()
        answer = self._relay(job.llm, job, channel, started, early.events if early is not None else None)
        if answer.person_requested and answer.error is None and job.on_person_requested is not None:
            return self._hand_over(job, answer, channel, started)
        used, fallback_reason = job.llm, None
        source: str = job.llm.source
        if answer.error is not None and not answer.parts and job.fallback is not None:
            fallback_reason = answer.error.code
            log.warning("model failed before its first token (%s); answering from knowledge", fallback_reason)
            answer = self._relay(job.fallback, job, channel, started)
            used, source = job.fallback, "fallback"
        fields, final = outcome(answer, job.message_id, channel)
        fields.update(
            figures(answer, used, started, self.clock(), self.settings.prices),
            source=source,
            knowledge_version=job.knowledge_version,
        )
        if fallback_reason is not None and fields["status"] == MessageStatus.COMPLETE:
            fields["error_code"] = fallback_reason
        # The request's log line carries the answer's figures (never its text).
        logs.annotate(
            answer_source=source,
            answer_duration_ms=fields["duration_ms"],
            **{k: fields.get(k) for k in LOGGED_FIELDS},
        )
        # Showing only saved text, the ending (and the text not shown yet) waits for one save
        # attempt; if the database fails, the shopper gets it anyway and the save is retried.
        stored = self.settings.show_saved_text_only and self._save_once(job.message_id, fields)
        channel.close(final)
        if not stored and not self._save_final(job.message_id, fields):
            # Best effort, in case the database is back this very moment; otherwise the lease
            # runs out and whoever meets the row marks it lost with its checkpointed text.
            self.abandon(job.message_id, code="answer_lost", text=answer.text)
        return final

    def _hand_over(
        self, job: AnswerJob, answer: RelayedAnswer, channel: AnswerChannel, started: float
    ) -> FinalEvent:
        """The model asked for a person: ``on_person_requested`` opens the handoff and stores the
        answer in one transaction (so no final save here); the shopper gets the notice after what
        the model wrote. If it raises, ``launch`` ends the answer as a crash."""
        assert job.on_person_requested is not None
        counted = figures(answer, job.llm, started, self.clock(), self.settings.prices)
        channel.publish(job.on_person_requested(answer.text, counted))
        logged = {**counted, "status": MessageStatus.COMPLETE, "finish_reason": HANDED_OVER}
        logs.annotate(
            answer_source=HANDED_OVER,
            answer_duration_ms=counted["duration_ms"],
            **{k: logged.get(k) for k in LOGGED_FIELDS},
        )
        final = done_event(job.message_id, HANDED_OVER, counted["input_tokens"], counted["output_tokens"])
        channel.close(final)
        return final

    def abandon(self, message_id: uuid.UUID, *, code: str, text: str = "") -> None:
        """Best effort: mark a ``streaming`` answer that will never finish as failed or interrupted."""
        try:
            with self.uow() as tx:
                tx.conversations.finish_streaming(
                    message_id,
                    status=MessageStatus.INTERRUPTED if text else MessageStatus.FAILED,
                    content=text,
                    error_code=code,
                    finish_reason="error",
                )
        except Exception:
            log.exception("could not mark an abandoned answer")

    def _relay(
        self,
        llm: LLMClient,
        job: AnswerJob,
        channel: AnswerChannel,
        started: float,
        events: Iterator[StreamEvent] | Prefetched | None = None,
    ) -> RelayedAnswer:
        """``events``: the model's stream when it was asked already (``start_early``)."""
        answer = RelayedAnswer()
        last_checkpoint = started
        limits = self.settings
        try:
            for event in events if events is not None else llm.stream(job.prompt):
                now = self.clock()
                if now - started > limits.deadline_seconds:
                    raise ModelError("model_timeout")
                if isinstance(event, TextDelta):
                    if answer.first_token_at is None:
                        # A stream asked for early may have had its first token before now.
                        early = events.first_token_at if isinstance(events, Prefetched) else None
                        answer.first_token_at = early or now
                    answer.parts.append(event.text)
                    if limits.show_saved_text_only:
                        # Shown once saved: a reader never sees text an instance crash could lose.
                        channel.publish(event.text, shown=False)
                        self.checkpoints.save(job.message_id, answer.text, channel.show)
                    else:
                        channel.publish(event.text)
                        if now - last_checkpoint >= limits.checkpoint_interval_seconds:
                            self.checkpoints.save(job.message_id, answer.text)
                            last_checkpoint = now
                elif isinstance(event, PersonRequested):
                    answer.person_requested = True
                else:
                    answer.end = event
        except ModelError as exc:
            answer.error = exc
        except Exception as exc:
            # The type only: an SDK or validation error may quote the model's text.
            log.error("answer generation failed: %s", type(exc).__name__)
            answer.error = ModelError("internal_error")
        return answer

    def _save_once(self, message_id: uuid.UUID, fields: dict[str, Any]) -> bool:
        try:
            with self.uow() as tx:
                tx.conversations.finish_message(message_id, **fields)
        except DatabaseUnavailable:
            return False
        return True

    def _save_final(self, message_id: uuid.UUID, fields: dict[str, Any]) -> bool:
        """Store the finished answer, retrying a failing database with backoff for the final-save
        window: an answer the shopper has seen is not given up on early. False if it never
        could be stored."""
        settings = self.settings
        started, pause, attempt = self.clock(), settings.final_save_backoff_seconds, 0
        while True:
            attempt += 1
            if self._save_once(message_id, fields):
                if attempt > 1:
                    log.info("final save succeeded after %d attempts", attempt)
                return True
            waited = self.clock() - started
            if waited + pause > settings.final_save_window_seconds:
                log.error("final save failed for %.0f s; the answer is lost", waited)
                return False
            if attempt == 1:
                log.warning("final save failed; the answer is kept in memory and retried")
            self.sleep(pause)
            pause = min(pause * 2, settings.final_save_max_pause_seconds)


def _handed_over(final: FinalEvent | None) -> bool:
    return final is not None and isinstance(final.data, DoneData) and final.data.finish_reason == HANDED_OVER
