"""``make bench``: how close ``chat_stream`` comes to the limit set by the model itself.

One run, a few minutes on 2 cores:

- starts the fake Gemini server (``scripts.fake_gemini``, its own process): by default 50 ms to
  the first token, 20 chunks 20 ms apart;
- (a) calls it directly with the google-genai SDK: the physical limit;
- (b) runs ``chat_stream`` under functions-framework as deployed (gunicorn gthread, ``WORKERS``
  processes of ``THREADS`` threads) against a throwaway Postgres database, with 1, 16, 32 and
  64 streams started together in rounds (the worst case), each a new conversation;
- (c) added time to first token, (d) relay delay per chunk (client arrival minus the fake's
  emission time), (e) database round trips per warm turn (SQLAlchemy events, in process) and
  the request thread's CPU to start a turn (``ChatService.send``, in process),
  (f) cold start to first byte, (g) peak memory and RSS growth per 100 open streams,
  (h) server CPU per turn and per chunk (answers of n and 3n chunks; the difference is the
  chunks' share);
- (i) the open-loop load model (``scripts.bench_open_loop``): Poisson arrivals, Gemini's cadence,
  one worker pinned to one CPU; the largest mean number of open streams that keeps the added
  time to first token p95 within 50 ms with no errors is the sizing rule per vCPU;
- (j) a database farther away (``scripts.bench_far_db``): sequential turns, new conversations
  and follow-ups, through a proxy that delays every packet (``--db-delay-ms``, 5 by default)
  and through the same proxy without delay;
- (k) the shape's floor (``scripts.bare_relay``): the same bursts and CPU per turn against one
  functions-framework function that relays the model's stream as SSE with no database and no
  threads of its own, with the SDK's ``generate_content_stream`` and with our client;
- prints every figure next to its target from issues 8 and 18, and writes them as JSON.

Targets are goals the run reports against; nothing here fails a build.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx2
import psutil
from sqlalchemy.engine import make_url

from common.config import REPO_ROOT
from scripts.bench_client import HttpError, SseClient
from scripts.local import bench_server_url, free_port, stop, throwaway_database, wait_for_port

VENV_BIN = Path(sys.executable).parent
MODEL = "gemini-2.5-flash"
SERVER_ENV = {
    "GEMINI_API_KEY": "bench-key",
    "GEMINI_MODEL": MODEL,
    "GEMINI_READ_TIMEOUT_SECONDS": "30",
    "CONVERSATION_TOKEN_SECRET": "bench-secret",
    "PYTHONUNBUFFERED": "1",
    # Every stream comes from this one address: per-client limits would turn the load into 429s.
    "RATE_LIMIT_PER_CLIENT": "",
    "RATE_LIMIT_PER_CONVERSATION": "",
}


# -- options ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    ttft: float
    gap: float
    chunks: int
    chunk_chars: int
    streams: tuple[int, ...]
    single_samples: int
    turns_per_stream: int
    cold_starts: int
    threads: int
    workers: int
    cpu_turns: int
    rss_streams: int
    open_loop: tuple[int, ...]
    open_loop_seconds: float
    database_url: str
    db_delay: float  # seconds each way for (j); 0: skip
    bare_relays: tuple[str, ...]  # (k): model clients of the bare relay; empty: skip
    json_path: Path | None
    py_spy: Path | None

    @property
    def chunk_texts(self) -> list[str]:
        return chunk_texts(self.chunks, self.chunk_chars)


def chunk_texts(chunks: int, chunk_chars: int) -> list[str]:
    """Unique chunks of about ``chunk_chars`` characters, like Gemini's."""
    filler = "lorem ipsum dolor sit amet consectetur adipiscing elit " * 8
    return [f"[{i:03d}] {filler[: max(0, chunk_chars - 6)]}" for i in range(chunks)]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--ttft", type=float, default=0.05, help="fake model's time to first token, s")
    parser.add_argument("--gap", type=float, default=0.02, help="fake model's gap between chunks, s")
    parser.add_argument("--chunks", type=int, default=20, help="text chunks per answer")
    parser.add_argument("--chunk-chars", type=int, default=40, help="characters per chunk")
    parser.add_argument("--streams", default="1,16,32,64", help="burst concurrency levels, comma separated")
    parser.add_argument(
        "--single-samples", type=int, default=20, help="sequential turns at 1 stream and direct calls"
    )
    parser.add_argument(
        "--turns-per-stream", type=int, default=2, help="turns each concurrent stream runs (levels > 1)"
    )
    parser.add_argument("--cold-starts", type=int, default=3, help="process starts measured (0: skip)")
    parser.add_argument(
        "--threads", type=int, default=96, help="THREADS (per gunicorn worker) for functions-framework"
    )
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="WORKERS (gunicorn processes; default: CPUs)"
    )
    parser.add_argument(
        "--cpu-turns", type=int, default=48, help="turns per answer length for CPU per turn and per chunk"
    )
    parser.add_argument("--rss-streams", type=int, default=100, help="streams held open for RSS (0: skip)")
    parser.add_argument(
        "--open-loop",
        default="32,64,96,128,160,192,224",
        help="open-loop levels: mean concurrent streams on one vCPU (empty: skip the open-loop mode)",
    )
    parser.add_argument(
        "--open-loop-seconds", type=float, default=10.0, help="arrivals per open-loop level, s"
    )
    parser.add_argument(
        "--db-delay-ms",
        type=float,
        default=5.0,
        help="(j): turns against the database this far away each way, through a proxy (0: skip)",
    )
    parser.add_argument("--bare-relay", default="sdk,ours", help="(k): its clients: sdk, ours (empty: skip)")
    parser.add_argument(
        "--database-url", help="server of the throwaway bench_<pid> (default: DATABASE_URL, :5432, embedded)"
    )
    parser.add_argument("--json", default=str(REPO_ROOT / "test-artifacts" / "bench.json"))
    parser.add_argument("--no-json", action="store_true")
    parser.add_argument(
        "--py-spy", default=None, help="profile the server during the busiest level (.svg, or .txt: raw)"
    )
    return parser


def parse_options(argv: list[str] | None = None) -> Options:
    args = _parser().parse_args(argv)
    return Options(
        ttft=args.ttft,
        gap=args.gap,
        chunks=args.chunks,
        chunk_chars=args.chunk_chars,
        streams=tuple(int(s) for s in args.streams.split(",") if s.strip()),
        single_samples=args.single_samples,
        turns_per_stream=args.turns_per_stream,
        cold_starts=args.cold_starts,
        threads=args.threads,
        workers=args.workers,
        cpu_turns=args.cpu_turns,
        rss_streams=args.rss_streams,
        open_loop=tuple(int(s) for s in args.open_loop.split(",") if s.strip()),
        open_loop_seconds=args.open_loop_seconds,
        database_url=bench_server_url(args.database_url),
        db_delay=args.db_delay_ms / 1000,
        bare_relays=tuple(s.strip() for s in args.bare_relay.split(",") if s.strip()),
        json_path=None if args.no_json else Path(args.json),
        py_spy=Path(args.py_spy) if args.py_spy else None,
    )


# -- small helpers ------------------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float | None:
    """Linear-interpolated percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 2)


def log(text: str) -> None:
    print(f"bench: {text}", file=sys.stderr, flush=True)


# -- the throwaway database ---------------------------------------------------------------


# -- the fake model -----------------------------------------------------------------------


@contextlib.contextmanager
def fake_gemini(options: Options) -> Iterator[str]:
    """The fake Gemini server in its own process (so its threads do not share our GIL)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "scripts.fake_gemini", "--port", str(port)],
        cwd=str(REPO_ROOT),
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process)
        url = f"http://127.0.0.1:{port}"
        script_fake(url, options.chunk_texts, ttft=options.ttft, gap=options.gap)
        yield url
    finally:
        stop(process)


def script_fake(url: str, chunks: list[str], *, ttft: float, gap: float) -> None:
    """Make every following answer of the fake these chunks at this cadence (forgets what it saw)."""
    httpx2.post(f"{url}/_fake/reset").raise_for_status()
    behavior = {"kind": "reply", "chunks": chunks, "first_delay": ttft, "gap": gap, "times": 10**9}
    httpx2.post(f"{url}/_fake/script", json=behavior).raise_for_status()


@dataclass(frozen=True)
class Emission:
    received_at: float
    emitted: list[float]


def emissions(fake_url: str) -> dict[str, Emission]:
    """When the fake received each question and sent each chunk, by the marker in the question."""
    rows = httpx2.get(f"{fake_url}/_fake/emissions", timeout=30).json()
    found: dict[str, Emission] = {}
    for row in rows:
        marker = _marker_in(row["question"])
        if marker:
            found[marker] = Emission(row["received_at"], row["emitted"])
    return found


def _question(marker: str) -> str:
    return f"bench-{marker}: when will my order arrive?"


def _marker_in(question: str) -> str | None:
    if not question.startswith("bench-"):
        return None
    return question[len("bench-") :].split(":", 1)[0]


# -- one streamed answer, as the client sees it -------------------------------------------


@dataclass
class Stream:
    marker: str
    sent_at: float
    first_byte_at: float | None = None
    deltas: list[tuple[float, str]] = field(default_factory=list)  # (arrival time, text)
    final: str | None = None
    error: str | None = None
    done_at: float | None = None
    meta: dict[str, Any] | None = None

    @property
    def ttft(self) -> float | None:
        return self.deltas[0][0] - self.sent_at if self.deltas else None

    @property
    def total(self) -> float | None:
        return self.done_at - self.sent_at if self.done_at else None

    def failure(self, expected_chunks: list[str]) -> str | None:
        if self.error:
            return self.error
        if self.final != "done":
            return f"ended with {self.final!r}"
        if [text for _, text in self.deltas] != expected_chunks:
            return f"{len(self.deltas)} deltas, expected {len(expected_chunks)}"
        return None


def chat_turn(client: SseClient, url: str, follow_up: Stream | None = None) -> Stream:
    """POST one turn to chat_stream and time every SSE event as it arrives: a new conversation,
    or the next message in the conversation of ``follow_up`` (an earlier turn's stream)."""
    marker = uuid.uuid4().hex
    stream = Stream(marker, time.time())
    body: dict[str, Any] = {"message": _question(marker)}
    headers = {}
    if follow_up is not None and follow_up.meta is not None:
        body["conversation_id"] = follow_up.meta["conversation_id"]
        headers["X-Conversation-Token"] = follow_up.meta["conversation_token"]
    try:
        for now, block in client.events(urlsplit(url).path or "/", body, headers):
            if stream.first_byte_at is None:
                stream.first_byte_at = now
            _take_event(stream, block.decode(), now)
    except (HttpError, OSError, ValueError) as exc:
        stream.error = f"{type(exc).__name__}: {exc}"
    return stream


def _take_event(stream: Stream, block: str, now: float) -> None:
    name, data = "message", ""
    for line in block.split("\n"):
        if line.startswith("event: "):
            name = line[len("event: ") :]
        elif line.startswith("data: "):
            data += line[len("data: ") :]
    if name == "delta":
        stream.deltas.append((now, json.loads(data)["text"]))
    elif name == "meta":
        stream.meta = json.loads(data)
    elif name in ("done", "error"):
        stream.final = name
        stream.done_at = now
        if name == "error":
            stream.error = f"error event: {data[:200]}"


def direct_turn(client: Any) -> Stream:
    """One streamed answer straight from the fake model with the google-genai SDK."""
    marker = uuid.uuid4().hex
    stream = Stream(marker, time.time())
    try:
        for chunk in client.models.generate_content_stream(model=MODEL, contents=_question(marker)):
            now = time.time()
            candidate = chunk.candidates[0] if chunk.candidates else None
            parts = candidate.content.parts if candidate and candidate.content else None
            text = "".join(p.text for p in parts or [] if p.text)
            if text:
                stream.deltas.append((now, text))
            if candidate is not None and candidate.finish_reason is not None:
                stream.final = "done"
                stream.done_at = now
    except Exception as exc:
        stream.error = f"{type(exc).__name__}: {exc}"
    return stream


def genai_client(fake_url: str) -> Any:
    from google import genai
    from google.genai import types

    return genai.Client(api_key="bench-key", http_options=types.HttpOptions(base_url=fake_url))


def run_concurrently(
    concurrency: int, turns: int, make_turn: Callable[[], Callable[[], Stream]]
) -> list[Stream]:
    """``concurrency`` workers start together (a burst), each running ``turns`` turns back to back."""
    results: list[Stream] = []
    lock = threading.Lock()
    barrier = threading.Barrier(concurrency)

    def worker() -> None:
        turn = make_turn()
        barrier.wait()
        for _ in range(turns):
            result = turn()
            with lock:
                results.append(result)

    workers = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return results


# -- statistics of a set of streams -------------------------------------------------------


@dataclass
class LevelStats:
    label: str
    streams: int
    turns: int
    errors: int
    error_samples: list[str]
    ttft_p50: float | None
    ttft_p95: float | None
    total_p50: float | None
    total_p95: float | None
    added_ttft_p50: float | None = None
    added_ttft_p95: float | None = None
    ttft_ratio: float | None = None
    relay_p50: float | None = None
    relay_p95: float | None = None
    relay_max: float | None = None
    before_model_p50: float | None = None  # client sent -> fake received the model request
    before_model_p95: float | None = None
    wall_seconds: float | None = None
    db_connections_opened: int | None = None  # seen by sampling, so a lower bound
    peak_db_connections: int | None = None  # highest so far in the run

    def as_json(self) -> dict[str, Any]:
        row: dict[str, Any] = {}
        for key, value in self.__dict__.items():
            if isinstance(value, float) and key != "ttft_ratio" and key != "wall_seconds":
                row[f"{key}_ms"] = ms(value)
            else:
                row[key] = value
        return row


def summarize(
    label: str,
    streams: int,
    results: list[Stream],
    expected: list[str],
    sent: dict[str, Emission],
    limit_ttft: float | None,
) -> LevelStats:
    failures = [f for f in (r.failure(expected) for r in results) if f]
    good = [r for r in results if r.failure(expected) is None]
    ttfts = [r.ttft for r in good if r.ttft is not None]
    totals = [r.total for r in good if r.total is not None]
    relay: list[float] = []
    before_model: list[float] = []
    for result in good:
        emission = sent.get(result.marker)
        if emission is None:
            continue
        before_model.append(emission.received_at - result.sent_at)
        pairs = zip(result.deltas, emission.emitted, strict=False)
        relay.extend(arrival - emitted for (arrival, _), emitted in pairs)
    stats = LevelStats(
        label=label,
        streams=streams,
        turns=len(results),
        errors=len(failures),
        error_samples=sorted(set(failures))[:5],
        ttft_p50=percentile(ttfts, 50),
        ttft_p95=percentile(ttfts, 95),
        total_p50=percentile(totals, 50),
        total_p95=percentile(totals, 95),
        relay_p50=percentile(relay, 50),
        relay_p95=percentile(relay, 95),
        relay_max=max(relay) if relay else None,
        before_model_p50=percentile(before_model, 50),
        before_model_p95=percentile(before_model, 95),
    )
    if limit_ttft:
        added = [t - limit_ttft for t in ttfts]
        stats.added_ttft_p50 = percentile(added, 50)
        stats.added_ttft_p95 = percentile(added, 95)
        if stats.ttft_p50 is not None:
            stats.ttft_ratio = round(stats.ttft_p50 / limit_ttft, 4)
    return stats


# -- functions-framework as deployed ------------------------------------------------------


def spawn_chat_stream(
    env: dict[str, str],
    threads: int,
    workers: int = 1,
    cpus: set[int] | None = None,
    target: str = "chat_stream",
    source: Path = REPO_ROOT / "functions" / "chat_stream" / "main.py",
) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``functions-framework --target chat_stream`` the way Cloud Functions does
    (``cpus``: pinned to these CPUs, as an instance with that many vCPUs; ``target`` and
    ``source``: another function, such as the bare relay)."""
    port = free_port()
    process = subprocess.Popen(
        [
            str(VENV_BIN / "functions-framework"),
            "--target",
            target,
            "--source",
            str(source),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env={
            **os.environ,
            **env,
            "PYTHONPATH": str(REPO_ROOT),
            "THREADS": str(threads),
            "WORKERS": str(workers),
        },
        cwd=str(REPO_ROOT),
        # The server still writes its JSON log line per request (a real cost), just not here.
        stdout=subprocess.DEVNULL,
    )
    if cpus:
        # Before gunicorn forks its workers, which inherit it.
        os.sched_setaffinity(process.pid, cpus)
    return process, f"http://127.0.0.1:{port}"


class MemorySampler:
    """Samples the RSS of a server process and its children (gunicorn's worker), and the
    Postgres connections they hold (so pool churn shows: connections opened and closed).

    Listing connections reads all of /proc/net/tcp: every 50 ms it cost this process about 6 ms
    of CPU per stream, on the cores the server under test needs, so it runs every second.
    """

    def __init__(
        self, pid: int, db_port: int, interval: float = 0.05, connections_interval: float = 1.0
    ) -> None:
        self._root = psutil.Process(pid)
        self._db_port = db_port
        self._interval = interval
        self._connections_interval = connections_interval
        self._connections_at = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.peak_total = 0
        self.peak_worker = 0
        self.db_connections_seen: set[int] = set()  # local ports of connections to Postgres
        self.peak_db_connections = 0

    def __enter__(self) -> MemorySampler:
        self.sample(connections=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample(connections=True)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self.sample()

    def sample(self, connections: bool = False) -> None:
        with contextlib.suppress(psutil.Error):
            processes = [self._root, *self._root.children(recursive=True)]
            sizes = [p.memory_info().rss for p in processes]
            self.peak_total = max(self.peak_total, sum(sizes))
            self.peak_worker = max(self.peak_worker, max(sizes[1:], default=sizes[0]))
            now = time.monotonic()
            if connections or now - self._connections_at >= self._connections_interval:
                self._connections_at = now
                self._sample_connections(processes)

    def _sample_connections(self, processes: list[psutil.Process]) -> None:
        ports = {
            c.laddr.port
            for p in processes
            for c in p.net_connections(kind="tcp")
            if c.raddr and c.raddr.port == self._db_port
        }
        self.db_connections_seen |= ports
        self.peak_db_connections = max(self.peak_db_connections, len(ports))

    def workers_rss(self) -> int:
        """RSS of every gunicorn worker, summed (the master only forks them)."""
        with contextlib.suppress(psutil.Error):
            return sum(p.memory_info().rss for p in self._root.children(recursive=True))
        return 0

    def worker_pid(self) -> int:
        children = self._root.children(recursive=True)
        return children[0].pid if children else self._root.pid

    def worker_high_water_mark(self) -> int | None:
        """The kernel's own peak RSS of the worker (Linux ``VmHWM``), which sampling can miss."""
        status = Path(f"/proc/{self.worker_pid()}/status")
        with contextlib.suppress(OSError):
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        return None


def cold_start(env: dict[str, str], threads: int, workers: int) -> dict[str, float | None]:
    """Process start to the first byte (and first delta) of a chat_stream response."""
    started = time.time()
    process, url = spawn_chat_stream(env, threads, workers)
    try:
        port = int(url.rsplit(":", 1)[1])
        wait_for_port(port, process)
        port_open = time.time()
        with SseClient(url) as client:
            stream = chat_turn(client, url)
        if stream.error:
            raise RuntimeError(f"cold request failed: {stream.error}")
        return {
            "port_open": port_open - started,
            "first_byte": (stream.first_byte_at or started) - started,
            "first_token": stream.deltas[0][0] - started if stream.deltas else None,
        }
    finally:
        stop(process)


# -- database round trips, counted in process ---------------------------------------------


@dataclass
class RoundTrips:
    statements: list[str] = field(default_factory=list)  # SQLAlchemy before_cursor_execute
    wire: int = 0  # pg8000 waits for ReadyForQuery: real network round trips
    checkouts: int = 0  # pool checkouts (each one pre-pings the connection)
    # The checkpoint writer's passes: one prepared statement each on its own connection,
    # outside SQLAlchemy (so not in ``statements``); about one per chunk with STREAM_DURABILITY=saved.
    checkpoint_passes: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "statements": len(self.statements),
            "checkpoint_passes": self.checkpoint_passes,
            "wire_round_trips": self.wire,
            "pool_checkouts": self.checkouts,
            "sql": [" ".join(s.split())[:120] for s in self.statements],
        }


@contextlib.contextmanager
def _counting(engine: Any, into: RoundTrips) -> Iterator[None]:
    """Count every statement, wire round trip, pool checkout and checkpoint pass into ``into``."""
    import pg8000.core
    from sqlalchemy import event

    from common.repositories.progress import ProgressConnection

    def on_statement(*args: Any) -> None:
        into.statements.append(args[2])

    def on_checkout(*args: Any) -> None:
        into.checkouts += 1

    original = pg8000.core.CoreConnection.handle_messages
    original_write = ProgressConnection.write

    def counting(self: Any, context: Any) -> Any:
        into.wire += 1
        return original(self, context)

    def counting_write(self: Any, *args: Any) -> None:
        into.checkpoint_passes += 1
        original_write(self, *args)

    event.listen(engine, "before_cursor_execute", on_statement)
    event.listen(engine.pool, "checkout", on_checkout)
    pg8000.core.CoreConnection.handle_messages = counting  # type: ignore[method-assign]
    ProgressConnection.write = counting_write  # type: ignore[method-assign]
    try:
        yield
    finally:
        pg8000.core.CoreConnection.handle_messages = original  # type: ignore[method-assign]
        ProgressConnection.write = original_write  # type: ignore[method-assign]
        event.remove(engine, "before_cursor_execute", on_statement)
        event.remove(engine.pool, "checkout", on_checkout)


@contextlib.contextmanager
def _in_process(database_url: str, fake_url: str) -> Iterator[Any]:
    """``chat_stream``'s app in this process, its runtime on the throwaway database, quiet (the
    app logs a JSON line per request to stdout: not among the bench's figures)."""
    import functions_framework

    from common import runtime

    os.environ.update(SERVER_ENV, DATABASE_URL=database_url, GEMINI_BASE_URL=fake_url)
    runtime.reset()
    app = functions_framework.create_app("chat_stream", str(REPO_ROOT / "functions/chat_stream/main.py"))
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.WARNING)
    try:
        yield app
    finally:
        runtime.engine().dispose()
        runtime.reset()
        root.setLevel(level)


def count_round_trips(database_url: str, fake_url: str) -> dict[str, RoundTrips]:
    """Statements a warm instance runs for one turn: a new conversation, and a follow-up."""
    from flask.testing import FlaskClient

    from common import runtime

    with _in_process(database_url, fake_url) as app:
        client: FlaskClient = app.test_client()

        def turn(body: dict[str, Any], headers: dict[str, str] | None = None) -> dict[str, Any]:
            response = client.post("/", json=body, headers=headers or {})
            text = response.get_data(as_text=True)
            assert response.status_code == 200, text
            assert "event: done" in text, text
            until = time.monotonic() + 30
            while runtime.relays().active() and time.monotonic() < until:
                time.sleep(0.005)
            meta = text.split("\n\n", 1)[0].split("data: ", 1)[1]
            return dict(json.loads(meta))

        warm = turn({"message": "warm-up"})  # engine, pool, Gemini client, first conversation
        turn({"message": "warm-up"})
        engine = runtime.engine()
        counts: dict[str, RoundTrips] = {}
        for name, body, headers in (
            ("new_conversation", {"message": "a new question"}, None),
            (
                "follow_up",
                {"message": "a follow-up", "conversation_id": warm["conversation_id"]},
                {"X-Conversation-Token": warm["conversation_token"]},
            ),
        ):
            counts[name] = RoundTrips()
            with _counting(engine, counts[name]):
                turn(body, headers)
    return counts


def intake_cpu(options: Options, database_url: str, fake_url: str) -> dict[str, dict[str, float | None]]:
    """CPU a request's own thread spends to start a turn, measured alone: ``ChatService.send``
    up to the stream it returns (the turn's statement, the knowledge and the prompt, handing
    the model call to the generation thread), without Flask and without the answer. New
    conversations, and a follow-up in each; answers come at once (the fake without delays,
    then back to the options' cadence)."""
    from common import runtime
    from common.chat.turns import TurnRequest
    from common.responses import MetaData

    turns = options.single_samples * 5
    log(f"(e) request intake CPU, {turns} turns of each kind (in process)")
    script_fake(fake_url, ["Delivery takes ", "2-4 working days."], ttft=0.0, gap=0.0)
    spent: dict[str, list[float]] = {"new_conversation": [], "follow_up": []}
    with _in_process(database_url, fake_url):
        service = runtime.chat_service()

        def send(request: TurnRequest, into: list[float] | None) -> MetaData:
            started = time.thread_time()
            stream = service.send(request)
            if into is not None:
                into.append(time.thread_time() - started)
            items = list(stream)  # the answer to its end, not measured
            assert isinstance(items[0], MetaData), items
            return items[0]

        for _ in range(3):
            send(TurnRequest(message="warm-up"), None)
        for n in range(turns):
            meta = send(TurnRequest(message=f"How long does delivery take? ({n})"), spent["new_conversation"])
            follow_up = TurnRequest(
                message="And to Austria?",
                conversation_id=meta.conversation_id,
                conversation_token=meta.conversation_token,
            )
            send(follow_up, spent["follow_up"])
    script_fake(fake_url, options.chunk_texts, ttft=options.ttft, gap=options.gap)
    return {
        name: {"p50_ms": ms(percentile(values, 50)), "p90_ms": ms(percentile(values, 90))}
        for name, values in spent.items()
    }


# -- the run --------------------------------------------------------------------------------


def bench(options: Options) -> dict[str, Any]:
    results: dict[str, Any] = {
        "options": {
            "ttft_s": options.ttft,
            "gap_s": options.gap,
            "chunks": options.chunks,
            "chunk_chars": options.chunk_chars,
            "streams": list(options.streams),
            "threads": options.threads,
            "workers": options.workers,
            "cpus": os.cpu_count(),
            "load_average_1min": round(os.getloadavg()[0], 2),
        },
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    with (
        throwaway_database(options.database_url, f"bench_{os.getpid()}") as database_url,
        fake_gemini(options) as fake_url,
    ):
        env = {**SERVER_ENV, "DATABASE_URL": database_url, "GEMINI_BASE_URL": fake_url}
        limit = _direct(options, fake_url, results)

        if options.cold_starts:
            log(f"(f) cold start x{options.cold_starts}")
            colds = [cold_start(env, options.threads, options.workers) for _ in range(options.cold_starts)]
            results["cold_start"] = {
                "runs_ms": [{k: ms(v) for k, v in run.items()} for run in colds],
                "first_byte_p50_ms": ms(statistics.median(c["first_byte"] or 0.0 for c in colds)),
                "first_token_p50_ms": ms(statistics.median(c["first_token"] or 0.0 for c in colds)),
                "port_open_p50_ms": ms(statistics.median(c["port_open"] or 0.0 for c in colds)),
            }

        levels = _bursts(options, env, fake_url, limit, results)

        log("(e) database round trips per warm turn (in process)")
        script_fake(fake_url, options.chunk_texts, ttft=options.ttft, gap=options.gap)
        trips = count_round_trips(database_url, fake_url)
        results["db_round_trips"] = {name: counted.as_json() for name, counted in trips.items()}
        results["intake_cpu"] = intake_cpu(options, database_url, fake_url)

        if options.open_loop:
            results["open_loop"] = _open_loop(options, env, fake_url)

        if options.db_delay:
            results["far_database"] = _far_database(options, env, database_url, fake_url)

        for client in options.bare_relays:
            results.setdefault("bare_relay", {})[client] = _bare_relay(options, client, fake_url, limit)
    results["targets"] = targets(results, levels)
    return results


def _direct(options: Options, fake_url: str, results: dict[str, Any]) -> LevelStats:
    """(a) The physical limit: the SDK's own streaming call, alone and at the busiest burst."""
    log("(a) direct SDK calls: the physical limit")
    expected = options.chunk_texts
    client = genai_client(fake_url)
    direct_turn(client)  # connection and SDK warm-up
    cpu_started = time.thread_time()
    direct = [direct_turn(client) for _ in range(options.single_samples)]
    sdk_cpu = (time.thread_time() - cpu_started) / max(options.single_samples, 1)
    busiest = max(options.streams)
    direct_busy = run_concurrently(busiest, 1, lambda: lambda: direct_turn(client))
    sent = emissions(fake_url)
    limit = summarize("direct, 1 stream", 1, direct, expected, sent, None)
    limit_busy = summarize(f"direct, {busiest} streams", busiest, direct_busy, expected, sent, None)
    results["direct"] = {**limit.as_json(), "sdk_cpu_ms_per_answer": ms(sdk_cpu)}
    results["direct_busiest"] = limit_busy.as_json()
    return limit


def _bursts(
    options: Options, env: dict[str, str], fake_url: str, limit: LevelStats, results: dict[str, Any]
) -> list[LevelStats]:
    """(b)-(d), (g): streams started together in rounds (the worst case), CPU and memory."""
    expected = options.chunk_texts
    log(f"(b) chat_stream under functions-framework, WORKERS={options.workers} THREADS={options.threads}")
    process, url = spawn_chat_stream(env, options.threads, options.workers)
    levels: list[LevelStats] = []
    try:
        wait_for_port(int(url.rsplit(":", 1)[1]), process)
        db_port = make_url(env["DATABASE_URL"]).port or 5432
        with MemorySampler(process.pid, db_port) as memory:
            # Every worker has served a few turns at once (imports, pool, SDK client).
            for _ in range(2):
                run_concurrently(4 * options.workers, 1, lambda: _chat_turner(url))
            if options.rss_streams:
                results["memory_per_open_streams"] = _memory_per_open_streams(options, url, fake_url, memory)
            script_fake(fake_url, expected, ttft=options.ttft, gap=options.gap)
            # A warm instance: its connection pool and threads already exist.
            run_concurrently(max(options.streams), 1, lambda: _chat_turner(url))
            cpu_before = _cpu_seconds(process.pid)
            busiest = max(options.streams)
            for streams in options.streams:
                with _profiled(options, process.pid if streams == busiest else None):
                    levels.append(_burst_level(options, streams, url, fake_url, memory, limit))
            cpu_seconds = _cpu_seconds(process.pid) - cpu_before
            results["cpu"] = _cpu_per_turn_and_chunk(options, process.pid, url, fake_url)
            high_water = memory.worker_high_water_mark()
    finally:
        stop(process)
    total_turns = sum(level.turns for level in levels)
    results["chat_stream"] = [level.as_json() for level in levels]
    results["memory"] = {
        "server_worker_peak_rss_mb": round(memory.peak_worker / 2**20, 1),
        "server_worker_vmhwm_mb": round(high_water / 2**20, 1) if high_water else None,
        "server_total_peak_rss_mb": round(memory.peak_total / 2**20, 1),
        "bench_ru_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    results["server_cpu_ms_per_turn"] = round(cpu_seconds * 1000 / max(total_turns, 1), 2)
    return levels


def _burst_level(
    options: Options,
    streams: int,
    url: str,
    fake_url: str,
    memory: MemorySampler,
    limit: LevelStats,
) -> LevelStats:
    """One level of the bursts: ``streams`` turns started together, for a few rounds."""
    memory.sample(connections=True)
    seen_before = len(memory.db_connections_seen)
    turns = options.single_samples if streams == 1 else options.turns_per_stream
    log(f"    {streams} concurrent stream(s) x {turns} turns")
    started = time.time()
    streamed = run_concurrently(streams, turns, lambda: _chat_turner(url))
    wall = time.time() - started
    memory.sample(connections=True)
    label = f"chat_stream, {streams} stream(s)"
    stats = summarize(label, streams, streamed, options.chunk_texts, emissions(fake_url), limit.ttft_p50)
    stats.wall_seconds = round(wall, 2)
    stats.db_connections_opened = len(memory.db_connections_seen) - seen_before
    stats.peak_db_connections = memory.peak_db_connections
    return stats


def _cpu_per_turn_and_chunk(options: Options, pid: int, url: str, fake_url: str) -> dict[str, Any]:
    """Server CPU per turn for answers of n and 3n chunks (8 streams at a time, no contention
    to speak of): the difference is the cost of 2n chunks, the rest the cost of a turn. The
    two lengths alternate for three rounds and each takes its median, so one noisy round
    cannot make the split (a turn without its chunks) come out negative."""
    small, large = options.chunks, 3 * options.chunks
    rounds: dict[int, list[float]] = {small: [], large: []}
    streams = min(8, options.cpu_turns)
    turns = max(1, options.cpu_turns // (3 * streams))
    for _ in range(3):
        for chunks in (small, large):
            answer = chunk_texts(chunks, options.chunk_chars)
            script_fake(fake_url, answer, ttft=options.ttft, gap=options.gap)
            before = _cpu_seconds(pid)
            done = run_concurrently(streams, turns, lambda: _chat_turner(url))
            rounds[chunks].append((_cpu_seconds(pid) - before) / max(len(done), 1))
    measured = {chunks: statistics.median(values) for chunks, values in rounds.items()}
    per_chunk = max(0.0, (measured[large] - measured[small]) / (large - small))
    return {
        "chunks": small,
        "cpu_ms_per_turn": ms(measured[small]),
        f"cpu_ms_per_turn_{large}_chunks": ms(measured[large]),
        "cpu_ms_per_chunk": ms(per_chunk),
        "cpu_ms_per_turn_without_chunks": ms(measured[small] - small * per_chunk),
    }


def _memory_per_open_streams(
    options: Options, url: str, fake_url: str, memory: MemorySampler
) -> dict[str, Any]:
    """RSS of the workers with ``rss_streams`` streams open (each past its ``meta``) minus before."""
    streams = min(options.rss_streams, options.threads * options.workers)
    hold = 3.0
    script_fake(fake_url, chunk_texts(3, options.chunk_chars), ttft=hold, gap=0.01)
    before = memory.workers_rss()
    opened = threading.Semaphore(0)

    def turn() -> None:
        with SseClient(url) as client:
            first = True
            for _ in client.events("/", {"message": "hold"}):
                if first:
                    opened.release()
                    first = False

    threads = [threading.Thread(target=turn, daemon=True) for _ in range(streams)]
    for thread in threads:
        thread.start()
    for _ in range(streams):
        opened.acquire(timeout=hold * 2)
    peak = memory.workers_rss()
    for thread in threads:
        thread.join(60)
    growth = (peak - before) / 2**20
    return {
        "streams": streams,
        "rss_before_mb": round(before / 2**20, 1),
        "rss_open_mb": round(peak / 2**20, 1),
        "growth_mb_per_100_streams": round(growth * 100 / max(streams, 1), 1),
    }


def _open_loop(options: Options, env: dict[str, str], fake_url: str) -> dict[str, Any]:
    """Open-loop arrivals against one worker pinned to one CPU, Gemini's cadence."""
    from scripts import bench_open_loop as ol

    ttft, gap, chunks = 0.4, 0.06, 60
    expected = chunk_texts(chunks, options.chunk_chars)
    script_fake(fake_url, expected, ttft=ttft, gap=gap)
    cpus = os.sched_getaffinity(0)
    pinned = {max(cpus)} if len(cpus) > 1 else None
    threads = max(options.open_loop) * 3
    log(f"open loop: 1 worker on CPU {pinned or 'any'}, THREADS={threads}, levels {options.open_loop}")
    process, url = spawn_chat_stream(env, threads, 1, pinned)
    rows: list[dict[str, Any]] = []
    try:
        wait_for_port(int(url.rsplit(":", 1)[1]), process)
        run_concurrently(min(options.open_loop), 1, lambda: _chat_turner(url))  # warm
        for streams in options.open_loop:
            run = ol.OpenLoopRun(url, streams, options.open_loop_seconds, ttft + gap * chunks)
            log(f"    open loop: {streams} open streams on average")
            before = _cpu_seconds(process.pid)
            turns, peak = ol.drive(run, chat_turn)
            cpu = _cpu_seconds(process.pid) - before
            added, errors = ol.added_ttfts(turns, emissions(fake_url), expected)
            p95 = ms(percentile(added, 95))
            held = errors == 0 and p95 is not None and p95 <= ol.ADDED_TTFT_LIMIT_MS
            level = ol.Level(
                streams,
                len(turns),
                errors,
                peak,
                ms(percentile(added, 50)),
                p95,
                ms(cpu / max(len(turns), 1)),
                held,
            )
            rows.append(level.as_json())
            if not held:
                break
    finally:
        stop(process)
    sustained = max((row["streams"] for row in rows if row["held"]), default=0)
    return {
        "ttft_s": ttft,
        "gap_s": gap,
        "chunks": chunks,
        "seconds_per_level": options.open_loop_seconds,
        "levels": rows,
        "streams_per_vcpu": sustained,
        "capped": bool(rows) and rows[-1]["held"],  # every level held: the true figure is higher
    }


def _far_database(options: Options, env: dict[str, str], database_url: str, fake_url: str) -> dict[str, Any]:
    """(j) Sequential turns through a proxy to the database, with no delay and with the delay."""
    from scripts import bench_far_db

    script_fake(fake_url, options.chunk_texts, ttft=options.ttft, gap=options.gap)
    measured: dict[str, Any] = {"delay_ms_each_way": ms(options.db_delay)}
    for name, delay in (("near", 0.0), ("far", options.db_delay)):
        log(f"(j) turns against the database {ms(delay)} ms away each way")
        with bench_far_db.delayed(database_url, delay) as url:
            process, server = spawn_chat_stream({**env, "DATABASE_URL": url}, options.threads)
            try:
                wait_for_port(int(server.rsplit(":", 1)[1]), process)
                measured[name] = bench_far_db.sequential_turns(server, max(options.single_samples // 2, 3))
            finally:
                stop(process)
    return measured


def _bare_relay(options: Options, client: str, fake_url: str, limit: LevelStats) -> dict[str, Any]:
    """(k) The same bursts and CPU per turn against the bare relay: the shape's floor."""
    log(f"(k) the bare relay with the {client} client, WORKERS={options.workers} THREADS={options.threads}")
    script_fake(fake_url, options.chunk_texts, ttft=options.ttft, gap=options.gap)
    env = {"GEMINI_BASE_URL": fake_url, "GEMINI_MODEL": MODEL, "BARE_RELAY_CLIENT": client}
    source = REPO_ROOT / "scripts" / "bare_relay.py"
    process, url = spawn_chat_stream(
        env, options.threads, options.workers, target="bare_relay", source=source
    )
    try:
        wait_for_port(int(url.rsplit(":", 1)[1]), process)
        for _ in range(2):
            run_concurrently(4 * options.workers, 1, lambda: _chat_turner(url))
        run_concurrently(max(options.streams), 1, lambda: _chat_turner(url))
        levels = []
        for streams in options.streams:
            turns = options.single_samples if streams == 1 else options.turns_per_stream
            streamed = run_concurrently(streams, turns, lambda: _chat_turner(url))
            sent = emissions(fake_url)
            label = f"bare relay ({client}), {streams} stream(s)"
            levels.append(summarize(label, streams, streamed, options.chunk_texts, sent, limit.ttft_p50))
        cpu = _cpu_per_turn_and_chunk(options, process.pid, url, fake_url)
    finally:
        stop(process)
    return {"levels": [level.as_json() for level in levels], "cpu": cpu}


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a server process and its children."""
    root = psutil.Process(pid)
    return sum(sum(p.cpu_times()[:2]) for p in [root, *root.children(recursive=True)])


def _chat_turner(url: str) -> Callable[[], Stream]:
    client = SseClient(url)
    return lambda: chat_turn(client, url)


@contextlib.contextmanager
def _profiled(options: Options, pid: int | None) -> Iterator[None]:
    """py-spy on ``pid`` meanwhile (when asked for with --py-spy; None: not this level)."""
    profiler = _start_py_spy(options, pid) if pid is not None else None
    try:
        yield
    finally:
        if profiler is not None:
            _stop_py_spy(profiler)


def _start_py_spy(options: Options, pid: int) -> subprocess.Popen[bytes] | None:
    if options.py_spy is None:
        return None
    options.py_spy.parent.mkdir(parents=True, exist_ok=True)
    command = [str(VENV_BIN / "py-spy"), "record", "--pid", str(pid), "--output", str(options.py_spy)]
    # Collapsed stacks for a .txt file (grep-able), a flame graph otherwise; on-CPU samples only.
    command += ["--format", "raw" if options.py_spy.suffix == ".txt" else "flamegraph"]
    # Only the thread holding the GIL: where the CPU goes, not where threads wait. Every worker.
    command += ["--rate", "250", "--threads", "--nonblocking", "--gil", "--subprocesses"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL)


def _stop_py_spy(process: subprocess.Popen[bytes]) -> None:
    import signal

    process.send_signal(signal.SIGINT)
    process.wait(30)


# -- targets and the table ----------------------------------------------------------------


# Issue 18's targets, by figure.
TARGET_ADDED_TTFT_P50_1_STREAM = 3
TARGET_ADDED_TTFT_P95 = {32: 25, 64: 50}
TARGET_RELAY_P95_16_STREAMS = 2
TARGET_CPU_PER_TURN = 5
TARGET_COLD_START = 1000


class _Rows(list[dict[str, Any]]):
    """The printed figures, in order."""

    def add(self, figure: str, value: Any, target: float | None, unit: str = "ms") -> dict[str, Any]:
        verdict = None if target is None or value is None else ("PASS" if value <= target else "MISS")
        if value is None and target is not None:
            verdict = "MISS"
        self.append({"figure": figure, "value": value, "unit": unit, "target": target, "verdict": verdict})
        return self[-1]


def targets(results: dict[str, Any], levels: list[LevelStats]) -> list[dict[str, Any]]:
    """Each figure next to its target (None: reported, no target)."""
    rows = _Rows()
    direct = results["direct"]
    rows.add("(a) direct SDK: time to first token p50", direct["ttft_p50_ms"], None)
    rows.add("(a) direct SDK: total time p50", direct["total_p50_ms"], None)
    rows.add("(a) direct SDK: SDK delay per chunk p95", direct["relay_p95_ms"], None)
    rows.add("    direct SDK: client CPU per answer", direct["sdk_cpu_ms_per_answer"], None)
    busy = results["direct_busiest"]
    rows.add(f"    direct SDK at {busy['streams']} streams: TTFT p95", busy["ttft_p95_ms"], None)
    busiest = max(level.streams for level in levels) if levels else 1
    for level in levels:
        _burst_rows(rows, level, busiest)
    _server_rows(rows, results)
    if "open_loop" in results:
        _open_loop_rows(rows, results["open_loop"])
    if "far_database" in results:
        _far_database_rows(rows, results["far_database"])
    for client, relay in results.get("bare_relay", {}).items():
        _bare_relay_rows(rows, client, relay)
    return rows


def _burst_rows(rows: _Rows, level: LevelStats, busiest: int) -> None:
    n = level.streams
    ttft = rows.add(f"(b) {n:>2} stream(s): time to first token p50 / p95", ms(level.ttft_p50), None)
    ttft["value_p95"] = ms(level.ttft_p95)
    total = rows.add(f"(b) {n:>2} stream(s): total time p50 / p95", ms(level.total_p50), None)
    total["value_p95"] = ms(level.total_p95)
    rows.add(f"(b) {n:>2} stream(s): errors", level.errors, 0 if n == busiest else None, unit="")
    p50_target = TARGET_ADDED_TTFT_P50_1_STREAM if n == 1 else None
    rows.add(f"(c) {n:>2} stream(s): added TTFT p50", ms(level.added_ttft_p50), p50_target)
    rows.add(f"(c) {n:>2} stream(s): added TTFT p95", ms(level.added_ttft_p95), TARGET_ADDED_TTFT_P95.get(n))
    rows.add(f"(c) {n:>2} stream(s): TTFT ratio to direct (p50)", level.ttft_ratio, None, unit="x")
    rows.add(f"    {n:>2} stream(s): request -> model request p50", ms(level.before_model_p50), None)
    rows.add(f"(d) {n:>2} stream(s): relay delay per chunk p50", ms(level.relay_p50), None)
    relay_target = TARGET_RELAY_P95_16_STREAMS if n == 16 else None
    rows.add(f"(d) {n:>2} stream(s): relay delay per chunk p95", ms(level.relay_p95), relay_target)
    rows.add(
        f"    {n:>2} stream(s): new DB connections (sampled)", level.db_connections_opened, None, unit=""
    )


def _server_rows(rows: _Rows, results: dict[str, Any]) -> None:
    """CPU, statements, cold start and memory of the server."""
    cpu = results["cpu"]
    rows.add(
        f"(h) server CPU per turn, {cpu['chunks']}-chunk answer", cpu["cpu_ms_per_turn"], TARGET_CPU_PER_TURN
    )
    rows.add("(h) server CPU per chunk", cpu["cpu_ms_per_chunk"], None)
    rows.add("    server CPU per turn, without its chunks", cpu["cpu_ms_per_turn_without_chunks"], None)
    rows.add("    server CPU per turn (burst levels above)", results["server_cpu_ms_per_turn"], None)
    for name, counted in results["db_round_trips"].items():
        turn = name.replace("_", " ")
        rows.add(f"(e) warm turn, {turn}: SQL statements", counted["statements"], 3, unit="")
        rows.add(
            f"    warm turn, {turn}: checkpoint writer passes", counted["checkpoint_passes"], None, unit=""
        )
        rows.add(f"    warm turn, {turn}: wire round trips", counted["wire_round_trips"], None, unit="")
    for name, cpu_ms in results["intake_cpu"].items():
        turn = name.replace("_", " ")
        rows.add(f"(e) request intake CPU (ChatService.send), {turn}: p50", cpu_ms["p50_ms"], None)
        rows.add(f"    request intake CPU, {turn}: p90", cpu_ms["p90_ms"], None)
    if cold := results.get("cold_start"):
        rows.add(
            "(f) cold start: process start -> first byte (p50)", cold["first_byte_p50_ms"], TARGET_COLD_START
        )
        rows.add("    cold start: process start -> first token (p50)", cold["first_token_p50_ms"], None)
    memory = results["memory"]
    worker_peak = memory["server_worker_vmhwm_mb"] or memory["server_worker_peak_rss_mb"]
    rows.add("(g) peak RSS, server worker", worker_peak, None, unit="MB")
    rows.add("(g) peak RSS, server master + workers", memory["server_total_peak_rss_mb"], None, unit="MB")
    rows.add("(g) peak RSS, bench (ru_maxrss)", memory["bench_ru_maxrss_mb"], None, unit="MB")
    if held := results.get("memory_per_open_streams"):
        rows.add("(g) RSS growth per 100 open streams", held["growth_mb_per_100_streams"], None, unit="MB")


def _open_loop_rows(rows: _Rows, loop: dict[str, Any]) -> None:
    for level in loop["levels"]:
        n = level["streams"]
        row = rows.add(
            f"(i) open loop, {n:>3} streams/vCPU: added TTFT p50 / p95", level["added_ttft_p50_ms"], None
        )
        row.update(
            value_p95=level["added_ttft_p95_ms"], target=50, verdict="PASS" if level["held"] else "MISS"
        )
        rows.add(f"    open loop, {n:>3} streams/vCPU: errors", level["errors"], 0, unit="")
        rows.add(f"    open loop, {n:>3} streams/vCPU: server CPU per turn", level["cpu_ms_per_turn"], None)
    shown = f"{loop['streams_per_vcpu']}{'+' if loop['capped'] else ''}"
    rows.add("(i) sizing rule: streams per vCPU", shown, None, unit="")


def _far_database_rows(rows: _Rows, far: dict[str, Any]) -> None:
    for kind in ("new_conversation", "follow_up"):
        for name, label in (("near", "0 ms"), ("far", f"{far['delay_ms_each_way']:g} ms each way")):
            turns = far[name][kind]
            row = rows.add(
                f"(j) {kind.replace('_', ' ')}, database {label}: TTFT / done p50", turns["ttft_p50_ms"], None
            )
            row["value_done_p50"] = turns["total_p50_ms"]
            rows.add(
                f"    {kind.replace('_', ' ')}, database {label}: failed turns", turns["errors"], 0, unit=""
            )


def _bare_relay_rows(rows: _Rows, client: str, relay: dict[str, Any]) -> None:
    """The shape's floor: reported next to chat_stream's figures above, no targets of its own."""
    for level in relay["levels"]:
        n = level["streams"]
        name = f"(k) bare relay, {client}: {n:>2} stream(s)"
        row = rows.add(f"{name}: added TTFT p50 / p95", level["added_ttft_p50_ms"], None)
        row["value_p95"] = level["added_ttft_p95_ms"]
        row = rows.add(f"{name}: relay per chunk p50 / p95", level["relay_p50_ms"], None)
        row["value_p95"] = level["relay_p95_ms"]
        rows.add(f"{name}: errors", level["errors"], None, unit="")
    cpu = relay["cpu"]
    rows.add(
        f"(k) bare relay, {client}: CPU per turn, {cpu['chunks']}-chunk answer", cpu["cpu_ms_per_turn"], None
    )
    rows.add(f"(k) bare relay, {client}: CPU per chunk", cpu["cpu_ms_per_chunk"], None)


def render(results: dict[str, Any]) -> str:
    options = results["options"]
    lines = [
        f"make bench: fake model TTFT {options['ttft_s'] * 1000:g} ms, gap {options['gap_s'] * 1000:g} ms, "
        f"{options['chunks']} chunks; functions-framework WORKERS={options['workers']} "
        f"THREADS={options['threads']}; {options['cpus']} CPUs, load {options['load_average_1min']} (1 min)",
        "",
        f"{'figure':<60} {'value':>18}  {'target':>9}  result",
        "-" * 100,
    ]
    for row in results["targets"]:
        value = row["value"]
        shown = "n/a" if value is None else value if isinstance(value, str) else f"{value:g}"
        for second in ("value_p95", "value_done_p50"):
            if second in row:
                shown += f" / {'n/a' if row[second] is None else format(row[second], 'g')}"
        shown += f" {row['unit']}".rstrip()
        target = "" if row["target"] is None else f"<= {row['target']:g}"
        lines.append(f"{row['figure']:<60} {shown:>18}  {target:>9}  {row['verdict'] or ''}")
    levels = [
        *results["chat_stream"],
        *(row for relay in results.get("bare_relay", {}).values() for row in relay["levels"]),
    ]
    errors = [f"{level['label']}: {e}" for level in levels for e in level["error_samples"]]
    if errors:
        lines += ["", "errors seen:", *(f"  {e}" for e in errors)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    options = parse_options(argv)
    started = time.monotonic()
    results = bench(options)
    results["duration_s"] = round(time.monotonic() - started, 1)
    print(render(results))
    print(f"\n(run took {results['duration_s']} s)")
    if options.json_path is not None:
        options.json_path.parent.mkdir(parents=True, exist_ok=True)
        options.json_path.write_text(json.dumps(results, indent=2) + "\n")
        print(f"results written to {options.json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
