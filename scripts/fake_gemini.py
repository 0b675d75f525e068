"""A local stand-in for the Gemini REST API, speaking its real streaming wire protocol.

``POST /{version}/models/{model}:streamGenerateContent?alt=sse`` answers ``text/event-stream``,
chunked, one ``data: {json}`` event per chunk, exactly as Gemini does, so the real
``google-genai`` SDK is exercised end to end. ``:generateContent`` answers one JSON body.

Tests script what happens next (``server.script(Behavior(...))``): a reply with chosen
chunks and timing, an HTTP error, a stream broken halfway, a safety block, a hang, a call of
the function the request declared (``hand_over``). Every request is recorded (its body, so
also the ``tools`` it declared), with when it arrived and when each text chunk was sent
(``time.time()``), so a benchmark can tell the model's own latency from what the relay adds.
Other processes steer it over HTTP: ``POST /_fake/script`` with a behaviour as JSON,
``GET /_fake/requests``, ``GET /_fake/emissions`` (just the question and those timestamps),
``POST /_fake/reset``.

``:batchEmbedContents`` and ``:embedContent`` answer deterministic vectors: a hashed bag of
word stems, so texts that share words are near (``embedding_vector``). ``embed_failures``
makes the next embedding calls fail with 503.

Run alone: ``python -m scripts.fake_gemini --port 8181``.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import json
import math
import re
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_ROUTE = re.compile(r"^/(?P<version>v1\w*)/models/(?P<model>[^/:]+):(?P<method>\w+)$")


@dataclass
class Behavior:
    """What the fake does with the next request(s)."""

    kind: str = "reply"  # reply | error | break | hang | safety | prompt_blocked | empty | hand_over
    # None: a default answer that quotes the question (for hand_over: no text before the call)
    chunks: list[str] | None = None
    first_delay: float = 0.0  # seconds before the first chunk
    gap: float = 0.0  # seconds between chunks
    status: int = 500  # for kind == "error"
    break_after: int = 1  # for kind == "break": chunks sent before the connection drops
    hang_seconds: float = 30.0  # for kind == "hang"
    times: int = 1  # how many requests this behaviour answers


@dataclass
class RecordedRequest:
    path: str
    method: str
    model: str
    version: str
    headers: dict[str, str]
    body: dict[str, Any]
    received_at: float = 0.0  # time.time() when the request was read
    emitted: list[float] = field(default_factory=list)  # time.time() after each text chunk was sent

    @property
    def question(self) -> str:
        contents = self.body.get("contents") or []
        return "".join(p.get("text", "") for p in contents[-1].get("parts", [])) if contents else ""

    @property
    def system_instruction(self) -> str:
        parts = (self.body.get("systemInstruction") or {}).get("parts") or []
        return "".join(p.get("text", "") for p in parts)

    @property
    def tools(self) -> list[dict[str, Any]]:
        """The tools the request declared (``[{"functionDeclarations": [...]}]``), if any."""
        tools: list[dict[str, Any]] = self.body.get("tools") or []
        return tools

    @property
    def declared_functions(self) -> list[str]:
        return [d.get("name", "") for tool in self.tools for d in tool.get("functionDeclarations", [])]

    @property
    def turns(self) -> list[tuple[str, str]]:
        return [
            (c.get("role", ""), "".join(p.get("text", "") for p in c.get("parts", [])))
            for c in self.body.get("contents", [])
        ]


def default_chunks(question: str) -> list[str]:
    words = f"Thanks for asking! You wrote: {question.strip()[:300]}. Happy to help further.".split(" ")
    return [w + " " for w in words[:-1]] + [words[-1]]


_EMBED_WORD = re.compile(r"[^\W_]+")
DEFAULT_DIMENSIONS = 768


def embedding_vector(text: str, dimensions: int = DEFAULT_DIMENSIONS) -> list[float]:
    """A unit vector for ``text``: each word's first five letters hashed to a signed dimension."""
    vector = [0.0] * dimensions
    for word in _EMBED_WORD.findall(text.lower()):
        digest = hashlib.blake2b(word[:5].encode(), digest_size=8).digest()
        index = int.from_bytes(digest[:4], "little") % dimensions
        vector[index] += 1.0 if digest[4] & 1 else -1.0
    norm = math.sqrt(sum(v * v for v in vector)) or 1.0
    return [v / norm for v in vector]


# What ``hand_over`` calls when the request declared no function (the chat's handoff function).
HANDOFF_FUNCTION = "hand_over_to_a_person"


def _count_tokens(text: str) -> int:
    return max(1, len(text) // 4)


class _Server(ThreadingHTTPServer):
    # socketserver's default backlog of 5 drops connections when dozens of streams start at once.
    request_queue_size = 128
    fake: FakeGemini


class FakeGemini:
    """The server: start(), then point ``GEMINI_BASE_URL`` at ``url``."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, default: Behavior | None = None) -> None:
        self.default = default or Behavior()
        self._behaviors: deque[Behavior] = deque()
        self._lock = threading.Lock()
        self.requests: list[RecordedRequest] = []
        self.embed_failures = 0
        self._server = _Server((host, port), _Handler)
        self._server.fake = self
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeGemini:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def script(self, *behaviors: Behavior) -> None:
        with self._lock:
            self._behaviors.extend(behaviors)

    def reset(self) -> None:
        with self._lock:
            self._behaviors.clear()
            self.requests.clear()
            self.embed_failures = 0

    def stream_requests(self) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.method == "streamGenerateContent"]

    def embed_requests(self) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.method in ("batchEmbedContents", "embedContent")]

    def _embedding_fails(self) -> bool:
        with self._lock:
            if self.embed_failures <= 0:
                return False
            self.embed_failures -= 1
            return True

    def _next_behavior(self) -> Behavior:
        with self._lock:
            if not self._behaviors:
                return self.default
            behavior = self._behaviors[0]
            behavior.times -= 1
            if behavior.times <= 0:
                self._behaviors.popleft()
            return behavior

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)


class _Handler(BaseHTTPRequestHandler):
    """Gemini's REST methods, and the fake's own routes (``/_fake/...``)."""

    server: _Server
    protocol_version = "HTTP/1.1"

    @property
    def _fake(self) -> FakeGemini:
        return self.server.fake

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/_fake/requests":
            with self._fake._lock:
                body = [dataclasses.asdict(r) for r in self._fake.requests]
            self._json(200, body)
        elif self.path == "/_fake/emissions":
            with self._fake._lock:
                body = [
                    {"question": r.question, "received_at": r.received_at, "emitted": list(r.emitted)}
                    for r in self._fake.requests
                    if r.method == "streamGenerateContent"
                ]
            self._json(200, body)
        else:
            self._json(404, {"error": {"code": 404, "message": "not found", "status": "NOT_FOUND"}})

    def do_POST(self) -> None:
        received_at = time.time()
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path = self.path.split("?", 1)[0]
        if path in ("/_fake/script", "/_fake/reset"):
            self._control(path, raw)
            return
        match = _ROUTE.match(path)
        if not match:
            self._json(404, {"error": {"code": 404, "message": "no such method", "status": "NOT_FOUND"}})
            return
        body = json.loads(raw or b"{}")
        record = RecordedRequest(
            path=self.path,
            method=match["method"],
            model=match["model"],
            version=match["version"],
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            received_at=received_at,
        )
        self._fake._record(record)
        if not self.headers.get("x-goog-api-key"):
            self._json(
                401, {"error": {"code": 401, "message": "API key missing", "status": "UNAUTHENTICATED"}}
            )
        elif record.method in ("batchEmbedContents", "embedContent"):
            self._embed(record.method, body)
        elif record.method == "streamGenerateContent":
            self._stream(self._fake._next_behavior(), record)
        else:
            self._unary(self._fake._next_behavior(), record.question, body)

    def _control(self, path: str, raw: bytes) -> None:
        """Other processes steer the fake: script the next behaviour, or start over."""
        if path == "/_fake/script":
            self._fake.script(Behavior(**json.loads(raw or b"{}")))
        else:
            self._fake.reset()
        self._json(200, {"ok": True})

    # -- responses ------------------------------------------------------------

    def _json(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int) -> None:
        names = {
            429: "RESOURCE_EXHAUSTED",
            500: "INTERNAL",
            503: "UNAVAILABLE",
            400: "INVALID_ARGUMENT",
        }
        self._json(
            status,
            {
                "error": {
                    "code": status,
                    "message": "fake failure",
                    "status": names.get(status, "UNKNOWN"),
                }
            },
        )

    def _chunk(self, payload: dict[str, Any]) -> None:
        data = f"data: {json.dumps(payload)}\r\n\r\n".encode()
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _usage(self, body: dict[str, Any], output: str) -> dict[str, int]:
        prompt_tokens = _count_tokens(json.dumps(body))
        out = _count_tokens(output)
        return {
            "promptTokenCount": prompt_tokens,
            "candidatesTokenCount": out,
            "totalTokenCount": prompt_tokens + out,
        }

    def _stream(self, behavior: Behavior, record: RecordedRequest) -> None:
        if behavior.kind == "error":
            self._error(behavior.status)
            return
        if behavior.kind == "hang":
            time.sleep(behavior.hang_seconds)
            self._error(504)
            return
        chunks = behavior.chunks if behavior.chunks is not None else default_chunks(record.question)
        if behavior.kind == "empty" or (behavior.kind == "hand_over" and behavior.chunks is None):
            chunks = []
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()
        if behavior.kind == "prompt_blocked":
            self._chunk(
                {"promptFeedback": {"blockReason": "SAFETY"}, "usageMetadata": self._usage(record.body, "")}
            )
            self._end_stream()
            return
        time.sleep(behavior.first_delay)
        for index, text in enumerate(chunks):
            if index:
                time.sleep(behavior.gap)
            if behavior.kind == "break" and index == behavior.break_after:
                self._drop_connection()
                return
            self._chunk(
                {
                    "candidates": [{"content": {"role": "model", "parts": [{"text": text}]}, "index": 0}],
                    "modelVersion": "fake",
                }
            )
            record.emitted.append(time.time())
        self._chunk(self._last_chunk(behavior, record, "".join(chunks)))
        self._end_stream()

    def _last_chunk(self, behavior: Behavior, record: RecordedRequest, output: str) -> dict[str, Any]:
        """The stream's end: finish reason and usage, and (``hand_over``) the function call,
        which Gemini sends as a part of its own in the last chunk."""
        last_part: dict[str, Any] = {"text": ""}
        if behavior.kind == "hand_over":
            name = next(iter(record.declared_functions), HANDOFF_FUNCTION)
            last_part = {"functionCall": {"name": name, "args": {}}}
        candidate = {
            "content": {"role": "model", "parts": [last_part]},
            "finishReason": "SAFETY" if behavior.kind == "safety" else "STOP",
            "index": 0,
        }
        return {
            "candidates": [candidate],
            "usageMetadata": self._usage(record.body, output),
            "modelVersion": "fake",
        }

    def _end_stream(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _drop_connection(self) -> None:
        # Cut the TCP connection mid-body: the client sees an incomplete chunked read.
        self.wfile.flush()
        self.connection.shutdown(socket.SHUT_RDWR)
        self.close_connection = True

    def _embed(self, method: str, body: dict[str, Any]) -> None:
        if self._fake._embedding_fails():
            self._error(503)
            return
        requests = body.get("requests") or [body]
        vectors = [
            embedding_vector(
                "".join(p.get("text", "") for p in (r.get("content") or {}).get("parts", [])),
                int(r.get("outputDimensionality") or DEFAULT_DIMENSIONS),
            )
            for r in requests
        ]
        if method == "embedContent":
            self._json(200, {"embedding": {"values": vectors[0]}})
        else:
            self._json(200, {"embeddings": [{"values": v} for v in vectors]})

    def _unary(self, behavior: Behavior, question: str, body: dict[str, Any]) -> None:
        time.sleep(behavior.first_delay)
        if behavior.kind in ("error", "hang", "break"):
            self._error(behavior.status if behavior.kind == "error" else 503)
            return
        text = "".join(behavior.chunks or [f"Summary: the shopper asked about {question[:200]}"])
        self._json(
            200,
            {
                "candidates": [
                    {
                        "content": {"role": "model", "parts": [{"text": text}]},
                        "finishReason": "STOP",
                        "index": 0,
                    }
                ],
                "usageMetadata": self._usage(body, text),
            },
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8181)
    parser.add_argument("--gap", type=float, default=0.05, help="default seconds between chunks")
    args = parser.parse_args()
    try:
        fake = FakeGemini(args.host, args.port, default=Behavior(gap=args.gap))
    except OSError as exc:
        raise SystemExit(
            f"Port {args.port} on {args.host} is not free ({exc.strerror}): stop what runs there, "
            "or use FAKE_GEMINI_PORT=<another> make fake-gemini."
        ) from None
    print(f"fake Gemini listening on {fake.url}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        fake._server.serve_forever()


if __name__ == "__main__":
    main()
