"""The per-instance knowledge cache: fresh for a TTL, stale rather than down, defaults when cold."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from common.knowledge import DEFAULT_KNOWLEDGE, Knowledge

log = logging.getLogger(__name__)


class KnowledgeCache:
    """Serves the shop's knowledge from memory; the hot path makes no query within the TTL.

    * Expired: the first thread to notice refreshes; the others keep serving the current copy
      (no stampede on the database).
    * Refresh fails: the stale copy is kept and served, and the failure logged; the next
      attempt waits ``retry_seconds``.
    * Nothing loaded yet and the database down: the built-in defaults are served.
    """

    def __init__(
        self,
        load: Callable[[], Knowledge],
        *,
        ttl_seconds: float,
        retry_seconds: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self._ttl = ttl_seconds
        self._retry = min(retry_seconds, ttl_seconds) if ttl_seconds > 0 else 0.0
        self._clock = clock
        self._current: Knowledge | None = None
        self._fresh_until = float("-inf")
        self._refreshing = threading.Lock()

    def get(self) -> Knowledge:
        current = self._current
        if current is not None and self._clock() < self._fresh_until:
            return current
        if current is None:
            # Cold: everybody waits for the first load (there is nothing to serve instead);
            # after a failed one, the defaults are served until the retry time.
            with self._refreshing:
                if self._clock() >= self._fresh_until:
                    self._refresh()
            return self._current or DEFAULT_KNOWLEDGE
        if self._refreshing.acquire(blocking=False):
            try:
                if self._clock() >= self._fresh_until:
                    self._refresh()
            finally:
                self._refreshing.release()
        return self._current or current

    def _refresh(self) -> None:
        try:
            knowledge = self._load()
        except Exception as exc:
            self._fresh_until = self._clock() + self._retry
            if self._current is None:
                log.warning("knowledge unavailable, serving built-in defaults: %s", exc)
            else:
                log.warning("knowledge refresh failed, serving version %s: %s", self._current.version, exc)
            return
        self._current = knowledge
        self._fresh_until = self._clock() + self._ttl
