"""One Postgres connection per instance that ``LISTEN``s for new conversation events and wakes
the streams that follow those conversations. Streams poll as well, so a lost connection
costs latency, never an event."""

from __future__ import annotations

import contextlib
import logging
import select
import socket
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from common.repositories.handoffs import EVENTS_CHANNEL

log = logging.getLogger(__name__)

Connect = Callable[[], Any]  # a pg8000.native.Connection


# How often a stopping instance is looked for (``stopping``): its streams end this soon after.
STOP_CHECK_SECONDS = 0.25


class EventHub:
    """Wakes waiters by conversation id when a ``NOTIFY`` arrives on ``EVENTS_CHANNEL``, and every
    waiter once the instance is ``stopping`` (then ``stopped`` is set: streams end, and their
    pages reconnect to another instance, rather than holding this one until it is killed)."""

    def __init__(
        self,
        connect: Connect,
        *,
        keepalive_seconds: float = 5.0,
        stopping: Callable[[], bool] | None = None,
    ) -> None:
        self._connect = connect
        self._keepalive = keepalive_seconds
        self._stopping = stopping
        self._lock = threading.Lock()
        self._waiters: dict[str, set[threading.Event]] = defaultdict(set)
        self._thread: threading.Thread | None = None
        self._connection: Any = None
        self._closed = False
        self.listening = False
        self.stopped = False

    def close(self) -> None:
        """Stop listening (tests start a fresh 'instance' this way)."""
        self._closed = True
        connection = self._connection
        if connection is not None:
            with contextlib.suppress(Exception):
                connection._usock.shutdown(socket.SHUT_RDWR)

    @contextlib.contextmanager
    def subscribe(self, conversation_id: uuid.UUID) -> Iterator[threading.Event]:
        """An event that is set whenever something new happens in the conversation."""
        wake = threading.Event()
        key = str(conversation_id)
        with self._lock:
            self._waiters[key].add(wake)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="events-listener", daemon=True)
                self._thread.start()
                if self._stopping is not None:
                    threading.Thread(target=self._watch, name="events-stop", daemon=True).start()
        try:
            yield wake
        finally:
            with self._lock:
                self._waiters[key].discard(wake)
                if not self._waiters[key]:
                    del self._waiters[key]

    def _wake(self, key: str | None) -> None:
        with self._lock:
            waiters = [w for k, ws in self._waiters.items() if key is None or k == key for w in ws]
        for wake in waiters:
            wake.set()

    def _watch(self) -> None:
        """Wake every stream once the instance is stopping."""
        assert self._stopping is not None
        while not self._closed:
            if self._stopping():
                self.stopped = True
                self._wake(None)
                return
            time.sleep(STOP_CHECK_SECONDS)

    def _run(self) -> None:
        delay = 0.5
        while not self._closed:
            try:
                self._listen()
            except Exception as exc:
                log.warning("event listener lost its connection: %s", exc)
            self.listening = False
            self._wake(None)  # let every stream look for itself
            threading.Event().wait(delay)
            delay = min(delay * 2, 30.0)

    def _listen(self) -> None:
        connection = self._connection = self._connect()
        try:
            connection.run(f"LISTEN {EVENTS_CHANNEL}")
            self.listening = True
            # pg8000 reads notifications only while it runs a statement: wait until the socket
            # has data (or the keepalive is due), then run an empty query to collect them.
            sock = connection._usock
            while not self._closed:
                select.select([sock], [], [], self._keepalive)
                connection.run("SELECT 1")
                while connection.notifications:
                    _pid, _channel, payload = connection.notifications.popleft()
                    self._wake(payload)
        finally:
            with contextlib.suppress(Exception):
                connection.close()
