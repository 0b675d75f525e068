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
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

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


def sequential_turns(url: str, pairs: int) -> dict[str, dict[str, Any]]:
    """``pairs`` new conversations, each followed by one follow-up: per kind, the p50 of time
    to first token and to the end (ms) and the number of turns that failed."""
    from scripts.bench import Stream, chat_turn, ms, percentile

    turns: dict[str, list[Stream]] = {"new_conversation": [], "follow_up": []}
    with SseClient(url) as client:
        for i in range(pairs + 1):  # the first pair warms the pool and the checkpoint writer up
            new = chat_turn(client, url)
            follow = chat_turn(client, url, follow_up=new)
            if i:
                turns["new_conversation"].append(new)
                turns["follow_up"].append(follow)
    measured: dict[str, dict[str, Any]] = {}
    for kind, streams in turns.items():
        done = [s for s in streams if s.final == "done" and not s.error and s.ttft is not None]
        measured[kind] = {
            "ttft_p50_ms": ms(percentile([s.ttft for s in done if s.ttft is not None], 50)),
            "total_p50_ms": ms(percentile([s.total for s in done if s.total is not None], 50)),
            "errors": len(streams) - len(done),
        }
    return measured


if __name__ == "__main__":
    asyncio.run(_serve(int(sys.argv[1]), sys.argv[2], float(sys.argv[3])))
