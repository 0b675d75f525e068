"""Following an answer: from this instance's live channel, from its stored final text, or from
the checkpoints of another instance that is still writing it."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Protocol

from common.chat.events import Delta, FinalEvent, Heartbeat, StreamItem, error_event, final_event_for
from common.errors import DatabaseUnavailable
from common.models import MessageStatus
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
    """Follows an answer another instance is writing, through its checkpoints in Postgres.

    The writer renews the row's lease; once the lease has run out (its instance died), the
    follower resolves the row itself: the text saved so far, then ``answer_lost``.
    """

    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        message_id: uuid.UUID,
        poll_seconds: float,
        outage_limit_seconds: float,
    ) -> None:
        self._uow = uow
        self._message_id = message_id
        self._poll = poll_seconds
        self._outage_limit = outage_limit_seconds
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
                if now - self._failing_since > self._outage_limit:
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
            if message.status == MessageStatus.STREAMING and tx.conversations.expire_leases(
                conversation_id=message.conversation_id
            ):
                tx.session.refresh(message)
            return message.content, final_event_for(message)


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
