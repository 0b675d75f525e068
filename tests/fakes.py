"""Small in-memory fakes of our own interfaces (never of the database)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy.orm import Session

from common.db import UnitOfWork
from common.errors import DatabaseUnavailable
from common.llm import Prompt, StreamEnd, StreamEvent, TextDelta


class FakeLLM:
    """Streams canned chunks and records the prompts it received."""

    model = "fake-model"

    def __init__(self, chunks: list[str]) -> None:
        self.chunks = chunks
        self.prompts: list[Prompt] = []

    def stream(self, prompt: Prompt) -> Iterator[StreamEvent]:
        self.prompts.append(prompt)
        for chunk in self.chunks:
            yield TextDelta(chunk)
        yield StreamEnd("stop", 10, len(self.chunks))

    def complete(self, prompt: Prompt) -> str:
        self.prompts.append(prompt)
        return "".join(self.chunks)


class FlakyUnitOfWork:
    """The real unit of work, except that the next ``failures`` transactions fail to connect."""

    def __init__(self, real: UnitOfWork, failures: int) -> None:
        self.real = real
        self.failures = failures
        self.failed = 0

    @contextlib.contextmanager
    def __call__(self) -> Iterator[Session]:
        if self.failed < self.failures:
            self.failed += 1
            raise DatabaseUnavailable("injected: the database is not reachable right now")
        with self.real() as session:
            yield session
