"""Helpers of the chaos tests: a shopper reading a stream in the background, killing a server
process, and the figures each test reports."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx2
import psutil

from common.config import REPO_ROOT


@dataclass
class Shopper:
    """One POST /chat_stream read in a thread, as a page reads it: what it saw, and how it ended."""

    url: str
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    last_id: str = ""
    final: tuple[str, dict[str, Any]] | None = None
    broken: bool = False
    done_at: float | None = None

    def start(self) -> Shopper:
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        return self

    def join(self, timeout: float = 60) -> None:
        self._thread.join(timeout)

    def wait_for_text(self, characters: int, timeout: float = 20) -> None:
        until = time.monotonic() + timeout
        while len(self.text) < characters and time.monotonic() < until:
            time.sleep(0.01)
        assert len(self.text) >= characters, self.text

    def _read(self) -> None:
        try:
            with httpx2.stream(
                "POST", self.url, json=self.body, headers=self.headers, timeout=120
            ) as response:
                read_events(response, self)
        except httpx2.HTTPError:
            self.broken = True


def read_events(response: Any, into: Shopper) -> None:
    """Fill ``into`` from an SSE response until its final event."""
    event = ""
    for line in response.iter_lines():
        if line.startswith("id: "):
            into.last_id = line[4:]
        elif line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: "):
            data = json.loads(line[6:])
            if event == "meta":
                into.meta = data
            elif event == "delta":
                into.text += data["text"]
            else:
                into.final = (event, data)
                into.done_at = time.monotonic()
                return


def resume(url: str, message_id: str, token: str, last_id: str) -> Shopper:
    """GET /chat_stream?message_id=... from ``last_id``, read to its end."""
    shopper = Shopper(url, {})
    headers = {"X-Conversation-Token": token, "Last-Event-ID": last_id}
    with httpx2.stream(
        "GET", url, params={"message_id": message_id}, headers=headers, timeout=120
    ) as response:
        assert response.status_code == 200, response.read()
        read_events(response, shopper)
    return shopper


def kill_server(port: int) -> None:
    """SIGKILL the functions-framework process serving ``port`` and its workers: an instance dies."""
    for process in psutil.Process().children(recursive=True):
        try:
            cmdline = process.cmdline()
        except psutil.NoSuchProcess:
            continue
        if "--port" in cmdline and cmdline[cmdline.index("--port") + 1] == str(port):
            victims = [process, *process.children(recursive=True)]
            for victim in victims:
                os.kill(victim.pid, signal.SIGKILL)
            psutil.wait_procs(victims, timeout=10)
            return
    raise AssertionError(f"no server on port {port}")


def report(line: str) -> None:
    """A figure for the closing note: printed (pytest -s) and kept in test-artifacts/chaos.txt."""
    print(f"\nCHAOS {line}")
    artifacts = REPO_ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    with (artifacts / "chaos.txt").open("a") as out:
        out.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {line}\n")
