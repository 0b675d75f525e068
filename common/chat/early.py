"""Asking the model before a turn is stored: the first message of a new conversation cannot
repeat an earlier send and has no history, so its model call starts while its insert runs
(``ChatService._answer_early``). A gate keeps the answer back until the insert has committed."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from common.chat.settings import ChatSettings
from common.llm import LLMClient, Prompt, StreamEvent, TextDelta

Clock = Callable[[], float]


class Gate:
    """Holds back an answer whose model call starts before its turn is stored: ``open`` once
    the turn's insert has committed, ``cancel`` if it failed (nothing of the answer is then
    shown or stored)."""

    def __init__(self) -> None:
        self._decided = threading.Event()
        self._opened = False

    def open(self) -> None:
        self._opened = True
        self._decided.set()

    def cancel(self) -> None:
        self._decided.set()

    @property
    def cancelled(self) -> bool:
        return self._decided.is_set() and not self._opened

    def wait(self, timeout: float) -> bool:
        """Whether the turn was stored (False: it failed, or nobody said within ``timeout``)."""
        return self._decided.wait(timeout) and self._opened


class Prefetched:
    """A model stream already asked for, its first event (or failure) read: iterating it
    replays that event, or raises that failure, then goes on with the rest."""

    def __init__(self, events: Iterator[StreamEvent], clock: Clock) -> None:
        self._events = events
        self._first: list[StreamEvent] = []
        self._error: Exception | None = None
        self.first_token_at: float | None = None  # when the first event came, if it was text
        try:
            self._first.append(next(events))
            if isinstance(self._first[0], TextDelta):
                self.first_token_at = clock()
        except StopIteration:
            pass
        except Exception as exc:
            self._error = exc

    def __iter__(self) -> Iterator[StreamEvent]:
        if self._error is not None:
            raise self._error
        yield from self._first
        yield from self._events

    def close(self) -> None:
        close = getattr(self._events, "close", None)
        if close is not None:
            close()


@dataclass(frozen=True)
class StartedEarly:
    """A model stream asked for before its turn was stored, now stored."""

    events: Prefetched
    started: float  # when the model was asked


def start_early(
    llm: LLMClient, prompt: Prompt, gate: Gate, clock: Clock, settings: ChatSettings
) -> StartedEarly | None:
    """Ask the model, read its first event, then wait for the turn to be stored. None if it
    was not (the model's stream is closed, or never opened)."""
    if gate.cancelled:
        return None  # the insert failed before the model was asked
    started = clock()
    events = Prefetched(llm.stream(prompt), clock)
    if gate.wait(settings.deadline_seconds):
        return StartedEarly(events, started)
    events.close()
    return None
