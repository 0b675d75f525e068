"""Section (j) of ``make bench``: turns against a database farther away than the local one.

Here Postgres answers in about 0.05 ms; a hosted one (Cloud SQL in the instance's region,
Neon) is 1-10 ms away, and then every round trip of a turn is on the shopper's clock. A proxy
in its own process forwards each packet ``delay`` later in each direction. Sequential turns,
each a new conversation and then a follow-up in it, run through the proxy twice: with no delay
and with the delay; the difference is what the distance costs a shopper.

``python -m scripts.bench_far_db PORT UPSTREAM DELAY_SECONDS`` runs the proxy alone (``UPSTREAM``:
a local port or a Unix socket's path).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url

from common.config import REPO_ROOT
from scripts.bench_client import SseClient
from scripts.local import free_port, stop, wait_for_port


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    loop = asyncio.get_running_loop()
    try:
        while data := await reader.read(65536):
            # Equal delays keep the order; reading on at once keeps the bandwidth.
            loop.call_later(delay, writer.write, data)
    finally:
        loop.call_later(delay, writer.close)


async def _serve(port: int, upstream: str, delay: float) -> None:
    """``upstream``: a local TCP port, or the path of a Unix socket (the embedded Postgres)."""

    async def connected(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if upstream.isdigit():
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", int(upstream))
        else:
            up_reader, up_writer = await asyncio.open_unix_connection(upstream)
        await asyncio.gather(
            _pump(reader, up_writer, delay), _pump(up_reader, writer, delay), return_exceptions=True
        )

    server = await asyncio.start_server(connected, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


@contextlib.contextmanager
def delayed(database_url: str, delay: float) -> Iterator[str]:
    """The same local database behind the proxy, ``delay`` seconds away each way."""
    url = make_url(database_url)
    query = dict(url.query)
    socket_dir = query.pop("host", None)
    port = url.port or 5432
    upstream = f"{socket_dir}/.s.PGSQL.{port}" if socket_dir else str(port)
    listen = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "scripts.bench_far_db", str(listen), upstream, str(delay)],
        cwd=str(REPO_ROOT),
    )
    try:
        wait_for_port(listen, process)
        yield url.set(host="127.0.0.1", port=listen, query=query).render_as_string(hide_password=False)
    finally:
        stop(process)


@dataclass(frozen=True)
class Timed:
    ttft: float
    total: float


def _turn(
    client: SseClient, url: str, body: dict[str, Any], headers: dict[str, str]
) -> tuple[Timed, dict[str, Any]]:
    """One turn: its time to the first delta and to the end, and its ``meta``."""
    sent = time.time()
    first: float | None = None
    end = sent
    meta: dict[str, Any] = {}
    final = ""
    for now, block in client.events(urlsplit(url).path or "/", body, headers):
        fields = dict(line.split(": ", 1) for line in block.decode().split("\n") if ": " in line)
        name = fields.get("event")
        if name == "meta":
            meta = json.loads(fields["data"])
        elif name == "delta" and first is None:
            first = now
        elif name in ("done", "error"):
            final, end = name, now
    if final != "done" or first is None:
        raise RuntimeError(f"a turn against the far database ended with {final or 'nothing'}")
    return Timed(first - sent, end - sent), meta


def sequential_turns(url: str, pairs: int) -> dict[str, dict[str, float]]:
    """``pairs`` new conversations, each followed by one follow-up; p50 of each kind, in ms."""
    timed: dict[str, list[Timed]] = {"new_conversation": [], "follow_up": []}
    with SseClient(url) as client:
        for i in range(pairs + 1):  # the first pair warms the pool and the checkpoint writer up
            new, meta = _turn(client, url, {"message": f"far-{i}: when will my order arrive?"}, {})
            follow, _ = _turn(
                client,
                url,
                {"message": "and can I return it?", "conversation_id": meta["conversation_id"]},
                {"X-Conversation-Token": meta["conversation_token"]},
            )
            if i:
                timed["new_conversation"].append(new)
                timed["follow_up"].append(follow)
    return {
        kind: {
            "ttft_p50_ms": round(statistics.median(t.ttft for t in turns) * 1000, 1),
            "total_p50_ms": round(statistics.median(t.total for t in turns) * 1000, 1),
        }
        for kind, turns in timed.items()
    }


if __name__ == "__main__":
    asyncio.run(_serve(int(sys.argv[1]), sys.argv[2], float(sys.argv[3])))
