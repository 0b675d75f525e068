"""The load generator's HTTP client: POST JSON, read a chunked ``text/event-stream`` answer.

``make bench`` runs its clients on the same cores as the server it measures, so every
millisecond of the client's CPU is taken from the server. httpx2 took about 2.5 ms of CPU per
20-chunk stream (its client object alone about 28 ms to build); this keeps one plain socket
per client and decodes the chunked body itself (about 1.2 ms per stream): each event is
timestamped when the bytes that complete it arrive.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit


class HttpError(Exception):
    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"HTTP {status}: {body[:200]}")
        self.status = status


class SseClient:
    """One keep-alive HTTP/1.1 connection, used by one thread at a time."""

    def __init__(self, url: str, timeout: float = 60.0) -> None:
        parts = urlsplit(url)
        self._address = (parts.hostname or "127.0.0.1", parts.port or 80)
        self._host = parts.netloc
        self._timeout = timeout
        self._sock: socket.socket | None = None
        self._buffer = b""

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        self._buffer = b""

    def __enter__(self) -> SseClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def events(
        self, path: str, body: dict[str, Any], headers: Mapping[str, str] | None = None
    ) -> Iterator[tuple[float, bytes]]:
        """POST ``body`` to ``path`` (with ``headers``); yield (arrival time, raw event block) as
        events complete.

        Raises ``HttpError`` for a status other than 200, ``OSError`` for a broken connection
        (the connection is closed either way unless the response was read to its end)."""
        payload = json.dumps(body).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self._host}\r\nContent-Type: application/json\r\n"
            f"Accept: text/event-stream\r\nContent-Length: {len(payload)}\r\n"
            + "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
            + "\r\n"
        )
        finished = False
        try:
            status, response = self._exchange(head.encode() + payload)
            keep = response.get("connection") != "close"
            if status != 200:
                text = self._read_sized(int(response.get("content-length", "0"))).decode(errors="replace")
                finished = keep
                raise HttpError(status, text)
            if response.get("transfer-encoding") != "chunked":
                size = int(response.get("content-length", "0"))
                yield from _blocks(self._read_sized(size), time.time())
            else:
                yield from self._chunked_events()
            finished = keep
        finally:
            if not finished:
                self.close()

    def _exchange(self, request: bytes) -> tuple[int, dict[str, str]]:
        """Send ``request`` and read the response's head. A kept-alive connection that the server
        closed while it was idle (gunicorn does after its keep-alive time, 2 s) fails before any
        byte of a response: the request then goes once more, on a new connection."""
        reused = self._sock is not None
        try:
            self._connected().sendall(request)
            return self._read_head()
        except OSError:
            if not reused or self._buffer:
                raise
            self.close()
            self._connected().sendall(request)
            return self._read_head()

    def _connected(self) -> socket.socket:
        if self._sock is None:
            self._sock = socket.create_connection(self._address, timeout=self._timeout)
            self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return self._sock

    def _recv(self) -> bytes:
        assert self._sock is not None
        data = self._sock.recv(65536)
        if not data:
            raise ConnectionError("the server closed the connection")
        return data

    def _read_head(self) -> tuple[int, dict[str, str]]:
        while b"\r\n\r\n" not in self._buffer:
            self._buffer += self._recv()
        head, self._buffer = self._buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip().lower()
        return status, headers

    def _read_sized(self, size: int) -> bytes:
        while len(self._buffer) < size:
            self._buffer += self._recv()
        body, self._buffer = self._buffer[:size], self._buffer[size:]
        return body

    def _chunked_events(self) -> Iterator[tuple[float, bytes]]:
        """Decode the chunked body as it arrives; yield each complete event block."""
        pending = b""  # decoded body not yet split into events
        while True:
            now = time.time()
            while True:  # every chunk complete in the buffer
                line_end = self._buffer.find(b"\r\n")
                if line_end < 0:
                    break
                size = int(self._buffer[:line_end].split(b";", 1)[0], 16)
                end = line_end + 2 + size + 2
                if len(self._buffer) < end:
                    break
                if size == 0:
                    self._buffer = self._buffer[end:]
                    yield from _blocks(pending, now)
                    return
                pending += self._buffer[line_end + 2 : end - 2]
                self._buffer = self._buffer[end:]
            *complete, pending = pending.split(b"\n\n")
            for block in complete:
                yield now, block
            self._buffer += self._recv()


def _blocks(body: bytes, now: float) -> Iterator[tuple[float, bytes]]:
    for block in body.split(b"\n\n"):
        if block.strip():
            yield now, block
