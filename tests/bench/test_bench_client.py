"""The load generator's client reads chunked event streams however the bytes are cut, and
keeps its connection for the next request."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from scripts.bench_client import HttpError, SseClient

EVENTS = [
    b'event: meta\ndata: {"a": 1}',
    b'event: delta\ndata: {"text": "h\\u00e9"}',
    b"event: done\ndata: {}",
]


def _chunked(body: bytes, sizes: list[int]) -> bytes:
    out, at = b"", 0
    for size in sizes:
        piece = body[at : at + size]
        at += size
        if piece:
            out += f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    rest = body[at:]
    if rest:
        out += f"{len(rest):x}\r\n".encode() + rest + b"\r\n"
    return out + b"0\r\n\r\n"


def _response(body: bytes, sizes: list[int]) -> bytes:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
    return head + _chunked(body, sizes)


@pytest.fixture
def requests() -> list[bytes]:
    return []


# The server's URL, the responses it has still to give, and every connection it accepted.
Server = tuple[str, list[bytes], list[int]]


@pytest.fixture
def server(requests: list[bytes]) -> Iterator[Server]:
    """Answers each request on a connection with the next scripted response, written a few
    bytes at a time; records every request (in ``requests``) and the connections accepted."""
    listener = socket.create_server(("127.0.0.1", 0))
    responses: list[bytes] = []
    accepted: list[int] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            accepted.append(1)
            with conn:
                while responses:
                    request = b""
                    while b"\r\n\r\n" not in request and (received := conn.recv(65536)):
                        request += received
                    if b"\r\n\r\n" not in request:
                        break  # the client closed the connection
                    head, body = request.split(b"\r\n\r\n", 1)
                    length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
                    while len(body) < length:
                        body += conn.recv(65536)
                    requests.append(head + b"\r\n\r\n" + body)
                    response = responses.pop(0)
                    for at in range(0, len(response), 7):
                        conn.sendall(response[at : at + 7])
                        time.sleep(0.0005)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", responses, accepted  # type: ignore[misc]
    listener.close()


def test_events_are_read_whole_whatever_the_chunks_and_reads_cut_them(
    server: Server,
) -> None:
    url, responses, accepted = server
    body = b"\n\n".join(EVENTS) + b"\n\n"
    responses += [_response(body, [3, 10, 1, 40]), _response(body, [len(body)])]

    with SseClient(url, timeout=5) as client:
        first = [block for _, block in client.events("/", {"message": "hi"})]
        second = [block for _, block in client.events("/", {"message": "again"})]

    assert first == EVENTS
    assert second == EVENTS
    assert len(accepted) == 1  # the connection was kept for the second request


def test_a_status_other_than_200_is_an_error_with_its_body(
    server: Server,
) -> None:
    url, responses, _ = server
    responses.append(b"HTTP/1.1 429 Too Many Requests\r\nContent-Length: 11\r\n\r\nslow down!!")

    with SseClient(url, timeout=5) as client, pytest.raises(HttpError) as raised:
        list(client.events("/", {"message": "hi"}))

    assert raised.value.status == 429
    assert "slow down!!" in str(raised.value)


def test_headers_go_with_the_request(server: Server, requests: list[bytes]) -> None:
    """A follow-up carries its conversation's token."""
    url, responses, _ = server
    body = b"\n\n".join(EVENTS) + b"\n\n"
    responses.append(_response(body, [len(body)]))

    with SseClient(url, timeout=5) as client:
        blocks = [block for _, block in client.events("/", {"m": 1}, {"X-Conversation-Token": "abc"})]

    assert blocks == EVENTS
    head, sent = requests[0].split(b"\r\n\r\n", 1)
    assert b"\r\nX-Conversation-Token: abc" in head
    assert sent == b'{"m": 1}'


def test_a_kept_connection_the_server_closed_meanwhile_is_replaced(server: Server) -> None:
    """gunicorn closes an idle kept-alive connection after 2 s: the next request on it goes
    again on a new connection instead of failing the turn."""
    url, responses, accepted = server
    body = b"\n\n".join(EVENTS) + b"\n\n"
    responses.append(_response(body, [len(body)]))

    with SseClient(url, timeout=5) as client:
        assert [block for _, block in client.events("/", {"m": 1})] == EVENTS
        time.sleep(0.2)  # the server has no response left for this connection and closes it
        responses.append(_response(body, [len(body)]))
        assert [block for _, block in client.events("/", {"m": 2})] == EVENTS

    assert len(accepted) == 2
