"""The Gemini client reads the stream's JSON itself: it must send what the SDK sends and read
what the SDK's own objects say, for every kind of answer the fake server can give."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from common.errors import ModelError
from common.gemini import HANDOFF_FUNCTION, GeminiClient, normalize_finish_reason
from common.llm import PersonRequested, Prompt, StreamEnd, StreamEvent, TextDelta, Turn
from scripts.fake_gemini import Behavior, FakeGemini
from tests.support import serve_in_thread

PROMPT = Prompt("You answer for the shop.", [Turn("user", "hi"), Turn("model", "hello"), Turn("user", "q?")])
# The same prompt where the model may hand the conversation to a person.
OFFERING = dataclasses.replace(PROMPT, offers_handoff=True)


@pytest.fixture
def gemini(fake_gemini: FakeGemini) -> Iterator[GeminiClient]:
    """A client on the fake server, which starts empty."""
    fake_gemini.reset()
    yield GeminiClient(api_key="key", model="gemini-2.5-flash", base_url=fake_gemini.url, retry_attempts=1)
    fake_gemini.reset()


def _through_the_sdks_objects(client: GeminiClient, prompt: Prompt = PROMPT) -> list[StreamEvent]:
    """The same reading, done on the SDK's public objects (as the client did before)."""
    events: list[StreamEvent] = []
    input_tokens = output_tokens = None
    finish_reason = "stop"
    for chunk in client._sdk().models.generate_content_stream(**client._request(prompt)):
        if chunk.usage_metadata is not None:
            input_tokens = chunk.usage_metadata.prompt_token_count or input_tokens
            output_tokens = chunk.usage_metadata.candidates_token_count or output_tokens
        if chunk.prompt_feedback is not None and chunk.prompt_feedback.block_reason is not None:
            return [*events, StreamEnd("safety", input_tokens, output_tokens)]
        candidate = chunk.candidates[0] if chunk.candidates else None
        if candidate is not None and candidate.content and candidate.content.parts:
            text = "".join(p.text for p in candidate.content.parts if p.text and not p.thought)
            if text:
                events.append(TextDelta(text))
            calls = [p.function_call.name for p in candidate.content.parts if p.function_call]
            if HANDOFF_FUNCTION in calls:
                events.append(PersonRequested())
        if candidate is not None and candidate.finish_reason is not None:
            finish_reason = normalize_finish_reason(candidate.finish_reason)
    return [*events, StreamEnd(finish_reason, input_tokens, output_tokens)]


@pytest.mark.parametrize("prompt", [PROMPT, OFFERING], ids=["plain", "offering_a_person"])
def test_the_request_is_the_one_the_sdk_sends(
    gemini: GeminiClient, fake_gemini: FakeGemini, prompt: Prompt
) -> None:
    list(gemini.stream(prompt))
    _through_the_sdks_objects(gemini, prompt)

    ours, sdks = fake_gemini.stream_requests()
    assert ours.path == sdks.path
    assert ours.body == sdks.body
    assert ours.headers.keys() == sdks.headers.keys()
    assert ours.headers["x-goog-api-key"] == "key"
    assert ours.declared_functions == ([HANDOFF_FUNCTION] if prompt.offers_handoff else [])


@pytest.mark.parametrize(
    "behavior",
    [
        Behavior(chunks=["Hel", "lo ", "there"], times=2),
        Behavior(kind="safety", chunks=["Part"], times=2),
        Behavior(kind="prompt_blocked", times=2),
        Behavior(kind="empty", times=2),
        Behavior(kind="hand_over", times=2),
        Behavior(kind="hand_over", chunks=["Of course, ", "one moment."], times=2),
    ],
    ids=["reply", "safety", "prompt_blocked", "empty", "hand_over", "text_then_hand_over"],
)
def test_chunks_read_as_the_sdks_objects_say(
    gemini: GeminiClient, fake_gemini: FakeGemini, behavior: Behavior
) -> None:
    fake_gemini.script(behavior)
    prompt = OFFERING if behavior.kind == "hand_over" else PROMPT

    assert list(gemini.stream(prompt)) == _through_the_sdks_objects(gemini, prompt)


def test_a_call_for_a_person_follows_the_text_the_model_wrote_first(
    gemini: GeminiClient, fake_gemini: FakeGemini
) -> None:
    fake_gemini.script(Behavior(kind="hand_over", chunks=["Of course, ", "one moment."]))

    events = list(gemini.stream(OFFERING))

    assert events[:3] == [TextDelta("Of course, "), TextDelta("one moment."), PersonRequested()]
    assert isinstance(events[-1], StreamEnd)
    assert events[-1].finish_reason == "stop"


def _stream_of(body: bytes) -> Any:
    """A server that answers every stream request with ``body`` as a 200 event stream."""

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        start_response("200 OK", [("Content-Type", "text/event-stream")])
        return [body]

    return app


@pytest.mark.parametrize(
    ("code", "expected"), [(429, "model_rate_limited"), (503, "model_unavailable"), (400, "model_rejected")]
)
def test_an_error_sent_inside_the_stream_is_typed_as_the_sdk_types_it(code: int, expected: str) -> None:
    error = {"error": {"code": code, "message": "no", "status": "X"}}
    body = b'data: {"candidates": [{"content": {"parts": [{"text": "Hel"}]}}]}\r\n\r\n'
    body += b"data: " + json.dumps(error).encode() + b"\r\n\r\n"
    with serve_in_thread(_stream_of(body)) as url:
        client = GeminiClient(api_key="key", model="gemini-2.5-flash", base_url=url, retry_attempts=1)
        events = client.stream(PROMPT)

        assert next(events) == TextDelta("Hel")
        with pytest.raises(ModelError) as raised:
            next(events)
    assert raised.value.code == expected


def test_more_answers_at_once_than_httpxs_default_pool_do_not_wait_for_each_other(
    gemini: GeminiClient, fake_gemini: FakeGemini
) -> None:
    # Each answer's first chunk comes at once, its second 2 s later: an answer that had to wait
    # for a free connection would get its first chunk only after another answer ended.
    answers = 110  # httpx allows 100 connections per client unless told otherwise
    fake_gemini.script(Behavior(chunks=["first ", "second"], gap=2.0, times=answers))
    first_chunks: list[float] = []
    endings: list[float] = []
    lock = threading.Lock()

    def answer() -> None:
        events = gemini.stream(PROMPT)
        assert next(events) == TextDelta("first ")
        with lock:
            first_chunks.append(time.monotonic())
        list(events)
        with lock:
            endings.append(time.monotonic())

    threads = [threading.Thread(target=answer, daemon=True) for _ in range(answers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert len(first_chunks) == len(endings) == answers
    assert max(first_chunks) < min(endings)  # every answer had started before any ended
