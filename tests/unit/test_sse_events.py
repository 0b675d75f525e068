"""Reading Gemini's event stream: each event's JSON, however the body is cut into pieces."""

from __future__ import annotations

import pytest

from common.sse import read_events

EVENTS = [{"candidates": [{"content": {"parts": [{"text": "Hëllo, {world}"}]}}]}, {"usageMetadata": {}}]
CRLF = 'data: {"candidates": [{"content": {"parts": [{"text": "Hëllo, {world}"}]}}]}\r\n\r\n'
CRLF += 'data: {"usageMetadata": {}}\r\n\r\n'


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 10_000])
def test_events_are_read_whatever_pieces_the_body_comes_in(size: int) -> None:
    body = CRLF.encode()
    pieces = [body[i : i + size] for i in range(0, len(body), size)]

    assert list(read_events(pieces)) == EVENTS


def test_line_feeds_comments_and_other_fields_are_understood() -> None:
    body = b': keep-alive\nevent: message\nid: 1\ndata: {"a":\ndata:  1}\n\ndata: {"b": 2}\n\n'

    assert list(read_events([body])) == [{"a": 1}, {"b": 2}]


def test_the_last_event_may_end_without_a_blank_line() -> None:
    assert list(read_events([b'data: {"a": 1}\n\ndata: {"b": 2}'])) == [{"a": 1}, {"b": 2}]


def test_json_sent_without_event_framing_is_read_as_the_sdk_reads_it() -> None:
    body = b'{\n  "error": {\n    "code": 429,\n    "message": "slow down"\n  }\n}\n'

    assert list(read_events([body])) == [{"error": {"code": 429, "message": "slow down"}}]
