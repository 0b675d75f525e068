"""Following an answer: from this instance's live channel, from its stored final text, or from
the checkpoints of another instance that is still writing it."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Iterator
from typing import Protocol

from common.chat.events import Delta, FinalEvent, Heartbeat, StreamItem, error_event, final_event_for
from common.errors import DatabaseUnavailable
from common.models import MessageStatus, utcnow
from common.unit_of_work import UnitOfWorkFactory


class AnswerReader(Protocol):
    def read(self, offset: int, timeout: float) -> tuple[list[str], FinalEvent | None]:
        """Chunks after character ``offset`` (waiting up to ``timeout`` for one), and the end if reached."""
        ...


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
        self, *, uow: UnitOfWorkFactory, message_id: uuid.UUID, poll_seconds: float, lost_after_seconds: float
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
        with self._uow() as tx:
            message = tx.conversations.get_message(self._message_id)
            if message is None:
                return "", error_event("answer_lost")
            final = final_event_for(message)
            cutoff = utcnow() - dt.timedelta(seconds=self._lost_after)
            # No checkpoint for longer than a live writer ever goes quiet: its instance died.
            if (
                final is None
                and message.updated_at < cutoff
                and tx.conversations.finish_streaming(
                    message.id,
                    status=MessageStatus.INTERRUPTED,
                    error_code="answer_lost",
                    finish_reason="error",
                    updated_before=cutoff,
                )
            ):
                final = error_event("answer_lost")
            return message.content, final


def follow(
    reader: AnswerReader, *, message_id: uuid.UUID, heartbeat_seconds: float, offset: int = 0
) -> Iterator[StreamItem]:
    """One ``Delta`` per chunk as it arrives, a ``Heartbeat`` when quiet, then the final event."""
    while True:
        chunks, final = reader.read(offset, heartbeat_seconds)
        for chunk in chunks:
            offset += len(chunk)
            yield Delta(message_id, chunk, offset)
        if final is not None:
            yield final
            return
        if not chunks:
            yield Heartbeat()
