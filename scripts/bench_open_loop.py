"""The open-loop load model of ``make bench``: shoppers arrive independently, Gemini is slow.

Arrivals come at a steady random (Poisson) rate, whatever the server's state, and each answer
has Gemini's cadence (about 400 ms to the first token, 60 chunks 60 ms apart), so a level's
mean number of open streams is the arrival rate times an answer's length (Little's law). The
server runs as one gunicorn worker pinned to one CPU: what it sustains is a figure per vCPU.
Levels rise until one misses (added time to first token p95 above the limit, or any error);
the last level that held is the sizing rule for Terraform's concurrency per vCPU.

Added time to first token is measured per stream against the fake model's own clock: the
client's time to the first delta minus the fake's time from receiving the request to sending
its first chunk, so the fake's own scheduling jitter is not charged to the server.
"""

from __future__ import annotations

import queue
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from scripts.bench_client import SseClient

ADDED_TTFT_LIMIT_MS = 50.0


class Turn(Protocol):
    marker: str
    sent_at: float
    deltas: list[tuple[float, str]]

    def failure(self, expected_chunks: list[str]) -> str | None: ...


@dataclass(frozen=True)
class Level:
    streams: int  # mean open streams aimed at (arrival rate x answer length)
    turns: int
    errors: int
    peak_open: int  # most streams open at once, as the client saw it
    added_ttft_p50_ms: float | None
    added_ttft_p95_ms: float | None
    cpu_ms_per_turn: float | None
    held: bool

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class OpenLoopRun:
    """One level: ``streams`` open on average, arrivals for ``seconds``."""

    url: str
    streams: int
    seconds: float
    answer_seconds: float  # the fake's time to first token plus its chunks
    seed: int = 18


def arrivals(run: OpenLoopRun) -> list[float]:
    """Start offsets (s) of a Poisson process whose rate keeps ``streams`` open on average."""
    rate = run.streams / run.answer_seconds
    rng = random.Random(run.seed + run.streams)
    at, offsets = 0.0, []
    while True:
        at += rng.expovariate(rate)
        if at >= run.seconds:
            return offsets or [0.0]
        offsets.append(at)


def drive(run: OpenLoopRun, start_turn: Callable[[SseClient, str], Turn]) -> tuple[list[Turn], int]:
    """Start a turn at each arrival, in its own thread, never waiting for earlier ones."""
    clients: queue.SimpleQueue[SseClient] = queue.SimpleQueue()
    results: list[Turn] = []
    lock = threading.Lock()
    open_now = peak = 0

    def one() -> None:
        nonlocal open_now, peak
        try:
            client = clients.get_nowait()
        except queue.Empty:
            client = SseClient(run.url)
        with lock:
            open_now += 1
            peak = max(peak, open_now)
        try:
            result = start_turn(client, run.url)
        finally:
            with lock:
                open_now -= 1
        clients.put(client)
        with lock:
            results.append(result)

    threads: list[threading.Thread] = []
    started = time.monotonic()
    for offset in arrivals(run):
        delay = started + offset - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        thread = threading.Thread(target=one, daemon=True)
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join(120)
    while not clients.empty():
        clients.get_nowait().close()
    return results, peak


def added_ttfts(
    results: list[Turn], emissions: dict[str, Any], expected: list[str]
) -> tuple[list[float], int]:
    """Added time to first token of each good turn (s), and the number of failed turns."""
    added: list[float] = []
    errors = 0
    for result in results:
        emission = emissions.get(result.marker)
        if result.failure(expected) is not None or emission is None or not emission.emitted:
            errors += 1
            continue
        model_ttft = emission.emitted[0] - emission.received_at
        added.append(result.deltas[0][0] - result.sent_at - model_ttft)
    return added, errors
