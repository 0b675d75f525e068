"""The model provider interface. Services depend on this, never on an SDK."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable


@dataclass(frozen=True)
class Turn:
    """One earlier message as the model sees it."""

    role: Literal["user", "model"]
    text: str

    @classmethod
    def from_stored(cls, role: str, text: str) -> Turn:
        """A stored message as a turn: the shopper's are ``user``, every other is the model's side."""
        return cls("user" if role == "user" else "model", text)


# Where an answer's text comes from: the model, or the shop's knowledge base without one.
# (A stored answer may also say ``fallback``: the knowledge base, because the model failed.)
AnswerSource = Literal["model", "knowledge"]


@dataclass(frozen=True)
class Prompt:
    system_instruction: str
    turns: list[Turn] = field(default_factory=list)
    # The model may hand the conversation to a person (it answers with ``PersonRequested``):
    # only where a handoff can follow, so the model never promises one nobody would open.
    offers_handoff: bool = False
    # The shopper's new message: the last user turn may also hold earlier messages nobody
    # answered (a question whose answer failed, one a person had), joined so that turns
    # alternate. Empty: the last user turn.
    question: str = ""


@dataclass(frozen=True)
class TextDelta:
    """Text as it can be stored, so what is shown is what is stored, whatever the provider sent."""

    text: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", storable_text(self.text))


_SURROGATE = re.compile("[\ud800-\udfff]")


def storable_text(text: str) -> str:
    """A provider's text as it can be stored and sent, and so shown as it is stored: Postgres
    keeps no NUL, and UTF-8 has no lone surrogate (JSON's ``\\ud800``), which becomes U+FFFD."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    if not text.isascii():
        text = _SURROGATE.sub("\ufffd", text)
    return text


@dataclass(frozen=True)
class Source:
    """A knowledge entry an answer was taken from."""

    key: str
    title: str


@dataclass(frozen=True)
class StreamEnd:
    """The last event of a stream. ``finish_reason`` is normalised (stop, length, safety, ...).

    ``sources``: the knowledge entries the answer quotes (answers from the knowledge base).
    """

    finish_reason: str
    input_tokens: int | None = None
    output_tokens: int | None = None
    sources: tuple[Source, ...] = ()

    @property
    def blocked(self) -> bool:
        return self.finish_reason == "safety"


@dataclass(frozen=True)
class PersonRequested:
    """The shopper clearly asked for a person and the model said so (a prompt that
    ``offers_handoff``); the stream still ends with ``StreamEnd``."""


StreamEvent = TextDelta | PersonRequested | StreamEnd


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into embedding vectors. Raises ``common.errors.ModelError`` when it fails."""

    embedding_model: str

    def embed(self, texts: Sequence[str], *, task: EmbeddingTask) -> list[list[float]]: ...


# Documents are embedded for retrieval, questions for finding them (Gemini tunes each).
EmbeddingTask = Literal["RETRIEVAL_DOCUMENT", "RETRIEVAL_QUERY"]


class LLMClient(Protocol):
    """Streams an answer. Raises ``common.errors.ModelError`` when the provider fails."""

    model: str
    source: AnswerSource

    def stream(self, prompt: Prompt) -> Iterator[StreamEvent]: ...

    def complete(self, prompt: Prompt) -> str:
        """A whole (short) answer at once, for background work such as summaries."""
        ...
