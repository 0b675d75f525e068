"""The per-instance knowledge cache: fresh for a TTL, stale rather than down, defaults when cold."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from common.knowledge.entries import DEFAULT_KNOWLEDGE, Knowledge

log = logging.getLogger(__name__)

# Share of the TTL after which a background refresh starts.
REFRESH_AHEAD = 0.8
MIN_RETRY_SECONDS = 1.0


class KnowledgeCache:
    """Serves the shop's knowledge from memory; the hot path makes no query within the TTL.

    * Nearly expired (past ``REFRESH_AHEAD`` of the TTL): a background thread refreshes, so
      with steady traffic no request ever waits for the database.
    * Expired: the first thread to notice refreshes; the others keep serving the current copy
      (no stampede on the database).
    * Refresh fails: the stale copy is kept and served, and the failure logged; the next
      attempt (in the background) waits half of ``retry_seconds``.
    * Nothing loaded yet and the database down: the built-in defaults are served.
    * Changed through this instance (``expire``): the next request reads it again; other
      instances see the change within their TTL.
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
        # Never retry a failing database more than once a second, whatever the TTL.
        self._retry = max(MIN_RETRY_SECONDS, min(retry_seconds, ttl_seconds))
        self._clock = clock
        self._current: Knowledge | None = None
        self._fresh_until = float("-inf")
        self._refresh_ahead_at = float("-inf")
        self._refreshing = threading.Lock()
        self._generation = 0  # counts ``expire`` calls

    def get(self) -> Knowledge:
        current = self._current
        now = self._clock()
        if current is not None and now < self._fresh_until:
            if now >= self._refresh_ahead_at and self._refreshing.acquire(blocking=False):
                self._refresh_ahead_at = float("inf")  # one background refresh at a time
                threading.Thread(target=self._refresh_in_background, daemon=True).start()
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

    def expire(self) -> None:
        """The knowledge was just changed through this instance: the next request reads it
        again. A refresh already under way (it may have read before the change) leaves the
        copy it loaded expired."""
        self._generation += 1
        self._fresh_until = float("-inf")

    def _refresh_in_background(self) -> None:
        try:
            self._refresh()
        finally:
            self._refreshing.release()

    def _refresh(self) -> None:
        generation = self._generation
        try:
            knowledge = self._load()
        except Exception as exc:
            now = self._clock()
            if now >= self._fresh_until:
                # Expired: serve what there is (stale copy or defaults) until the retry time...
                self._fresh_until = now + self._retry
            # ...and retry in the background before then, so no request waits on a dead database.
            self._refresh_ahead_at = now + self._retry / 2
            if self._current is None:
                log.warning("knowledge unavailable, serving built-in defaults: %s", exc)
            else:
                log.warning("knowledge refresh failed, serving version %s: %s", self._current.version, exc)
            return
        now = self._clock()
        self._current = knowledge
        if generation != self._generation:
            return  # expired while it loaded: what it read may predate the change
        self._fresh_until = now + self._ttl
        self._refresh_ahead_at = now + self._ttl * REFRESH_AHEAD
