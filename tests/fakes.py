"""Small in-memory fakes of our own interfaces (never of the database)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterator, Mapping
from types import TracebackType

from common.chat.checkpoints import ProgressStore, Tail
from common.errors import DatabaseUnavailable
from common.llm import PersonRequested, Prompt, StreamEnd, StreamEvent, TextDelta
from common.unit_of_work import UnitOfWork, UnitOfWorkFactory


class FakeLLM:
    """Streams canned chunks (then, if told to, asks for a person) and records the prompts it
    received."""

    model = "fake-model"
    source = "model"

    def __init__(self, chunks: list[str], *, asks_for_a_person: bool = False) -> None:
        self.chunks = chunks
        self.asks_for_a_person = asks_for_a_person
        self.prompts: list[Prompt] = []

    def stream(self, prompt: Prompt) -> Iterator[StreamEvent]:
        self.prompts.append(prompt)
        for chunk in self.chunks:
            yield TextDelta(chunk)
        if self.asks_for_a_person:
            yield PersonRequested()
        yield StreamEnd("stop", 10, len(self.chunks))

    def complete(self, prompt: Prompt) -> str:
        self.prompts.append(prompt)
        return "".join(self.chunks)


class _Unreachable(UnitOfWork):
    """A unit of work whose database cannot be reached."""

    def __init__(self, error: Exception) -> None:
        self._error = error

    def __enter__(self) -> UnitOfWork:
        raise self._error

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None


class FlakyUnitOfWork:
    """The real unit of work, except that the next ``failures`` transactions fail.

    By default they fail as an outage does; ``error`` makes them fail another way (a bug).
    """

    def __init__(self, real: UnitOfWorkFactory, failures: int, error: Exception | None = None) -> None:
        self.real = real
        self.failures = failures
        self.failed = 0
        self.error = error or DatabaseUnavailable("injected: the database is not reachable right now")

    def __call__(self) -> UnitOfWork:
        if self.failed < self.failures:
            self.failed += 1
            return _Unreachable(self.error)
        return self.real()


class FlakyProgress:
    """The checkpoint writer's real connection, except that the next ``failures`` passes fail
    as an outage does."""

    def __init__(self, real: ProgressStore, failures: int) -> None:
        self.real = real
        self.failures = failures
        self.failed = 0

    def write(
        self, tails: Mapping[uuid.UUID, Tail], renew: Collection[uuid.UUID], lease_seconds: float
    ) -> None:
        if self.failed < self.failures:
            self.failed += 1
            raise DatabaseUnavailable("injected: the database is not reachable right now")
        self.real.write(tails, renew, lease_seconds)

    def close(self) -> None:
        self.real.close()
