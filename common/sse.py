"""Server-Sent Events: the wire format of an answer stream, and reading the model's."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from typing import Any

from common.chat.events import Delta, FinalEvent, Heartbeat, StreamItem
from common.responses import MetaData


def encode(items: Iterable[StreamItem]) -> Iterator[str]:
    """One SSE block per item: ``meta``, ``delta`` (with its resume id), ``done``/``error``, pings."""
    for item in items:
        if isinstance(item, Delta):
            # The hot path: one per model chunk, so plain json rather than a model dump.
            yield event("delta", _json({"text": item.text}), event_id=f"{item.message_id}:{item.offset}")
        elif isinstance(item, Heartbeat):
            yield comment("ping")
        elif isinstance(item, MetaData):
            yield event("meta", item.model_dump_json())
        elif isinstance(item, FinalEvent):
            yield event(item.name, item.data.model_dump_json())


def event(name: str, data: str, *, event_id: str | None = None) -> str:
    # JSON never holds a raw newline, so one data line always suffices.
    head = f"id: {event_id}\nevent: {name}\n" if event_id is not None else f"event: {name}\n"
    return f"{head}data: {data}\n\n"


def comment(text: str) -> str:
    return f": {text}\n\n"


def _json(data: dict[str, str]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def parse_last_event_id(value: str | None, message_id: str) -> int:
    """The character offset in ``<message_id>:<offset>``; 0 when absent or for another message.
    The id may be in either case, as everywhere else."""
    if not value:
        return 0
    prefix, _, offset = value.rpartition(":")
    if prefix.lower() != message_id.lower() or not (offset.isascii() and offset.isdigit()):
        return 0
    return int(offset)


def read_events(body: Iterable[bytes]) -> Iterator[Any]:
    """The JSON of each event of a ``text/event-stream`` body (Gemini's), parsed once.

    ``data:`` lines are joined per event (a blank line ends it; CRLF or LF). A body that is
    not an event stream (an error Gemini sends as plain JSON, one line at a time) is read as
    JSON objects whose braces balance, as the SDK reads it.
    """
    pending = b""
    data: list[bytes] = []
    loose = b""
    # A blank line after the body ends its last event, whether or not the body ended it.
    for piece in itertools.chain(body, (b"\n\n",)):
        pending += piece
        *lines, pending = pending.split(b"\n")
        for raw in lines:
            line = raw[:-1] if raw.endswith(b"\r") else raw
            if line.startswith(b"data:"):
                data.append(line[6:] if line.startswith(b"data: ") else line[5:])
            elif not line:
                if data:
                    yield json.loads(b"\n".join(data))
                    data = []
            elif not line.startswith((b":", b"event:", b"id:", b"retry:")):
                loose += line
                if loose.count(b"{") == loose.count(b"}"):
                    yield json.loads(loose)
                    loose = b""
    if loose.strip():
        yield json.loads(loose)
