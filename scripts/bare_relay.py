"""The floor of ``chat_stream``'s shape, for ``make bench`` section (k): a bare relay.

One functions-framework function (Flask, gunicorn gthread, the workers pinned to CPUs as
``chat_stream``'s are) that streams the model's answer as SSE deltas through a chunked Flask
response: no database, no threads of its own, no checkpoints, no logging per turn. Whatever
``chat_stream`` adds under load beyond this is our own work; what this one adds is the shape's.

``BARE_RELAY_CLIENT`` picks the model client:

- ``sdk`` (default): ``generate_content_stream`` and ``chunk.text``, issue 18's bare relay;
- ``ours``: ``common.gemini.GeminiClient.stream``, the SDK's request with the stream's JSON
  read once, as ``chat_stream`` reads it.

Not deployed: ``scripts`` is not packaged into any function.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from functools import cache
from typing import Any

import flask
import functions_framework

from common.gemini import GeminiClient
from common.llm import Prompt, TextDelta, Turn
from common.workers import pin_each_worker_to_a_cpu

pin_each_worker_to_a_cpu()

MODEL = os.environ.get("GEMINI_MODEL", "gemini-2.5-flash")
# One client per process. Built once under a lock: a second ``genai.Client`` built by a racing
# thread and dropped after ``.models`` closes its HTTP client under the stream that uses it.
_building = threading.Lock()


@cache
def _sdk_client() -> Any:
    from google import genai
    from google.genai import types

    options = types.HttpOptions(base_url=os.environ["GEMINI_BASE_URL"])
    return genai.Client(api_key=os.environ.get("GEMINI_API_KEY", "bench-key"), http_options=options)


def _sdk() -> Any:
    with _building:
        return _sdk_client()


@cache
def _ours() -> GeminiClient:
    return GeminiClient(api_key="bench-key", model=MODEL, base_url=os.environ["GEMINI_BASE_URL"])


def _sdk_texts(question: str) -> Iterator[str]:
    for chunk in _sdk().models.generate_content_stream(model=MODEL, contents=question):
        if chunk.text:
            yield chunk.text


def _our_texts(question: str) -> Iterator[str]:
    prompt = Prompt(system_instruction="", turns=[Turn("user", question)])
    for event in _ours().stream(prompt):
        if isinstance(event, TextDelta) and event.text:
            yield event.text


def _events(texts: Iterator[str]) -> Iterator[str]:
    yield "event: meta\ndata: {}\n\n"
    for text in texts:
        yield f"event: delta\ndata: {json.dumps({'text': text})}\n\n"
    yield 'event: done\ndata: {"finish_reason": "stop"}\n\n'


@functions_framework.http
def bare_relay(request: flask.Request) -> flask.Response:
    question = str((request.get_json(silent=True) or {}).get("message", ""))
    texts = _our_texts if os.environ.get("BARE_RELAY_CLIENT") == "ours" else _sdk_texts
    response = flask.Response(_events(texts(question)), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-cache"
    return response
