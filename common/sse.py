"""Server-Sent Events framing."""

from __future__ import annotations

import json
from typing import Any


def event(name: str, data: dict[str, Any], *, event_id: str | None = None) -> str:
    lines = []
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.append(f"event: {name}")
    # json.dumps never emits a raw newline, so one data line always suffices.
    lines.append(f"data: {json.dumps(data, ensure_ascii=False, separators=(',', ':'))}")
    return "\n".join(lines) + "\n\n"


def comment(text: str) -> str:
    return f": {text}\n\n"


def parse_last_event_id(value: str | None, message_id: str) -> int:
    """The character offset in ``<message_id>:<offset>``; 0 when absent or for another message."""
    if not value:
        return 0
    prefix, _, offset = value.rpartition(":")
    if prefix != message_id or not (offset.isascii() and offset.isdigit()):
        return 0
    return int(offset)
