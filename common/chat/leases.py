"""The periodic sweep: answers whose writer died are resolved even when nobody asks for them.

Every path that meets an expired lease resolves it too (the next message in the conversation,
``history``, a resume); the sweep covers the rows nobody comes back to. Each instance runs one
daemon thread. On Cloud Run an instance gets CPU only while it serves a request (unless CPU is
always allocated), so between requests the sweep simply pauses; the paths above do not.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Collection

from common.errors import DatabaseUnavailable
from common.unit_of_work import UnitOfWorkFactory

log = logging.getLogger(__name__)


class LeaseSweeper:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        *,
        interval_seconds: float,
        own: Callable[[], Collection[uuid.UUID]] = frozenset,
    ) -> None:
        self._uow = uow
        self._interval = interval_seconds
        # Answers this instance is writing: never taken for dead here, whatever their lease says.
        self._own = own
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> LeaseSweeper:
        """Start the sweep thread unless it runs already."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._stop.clear()
                self._thread = threading.Thread(target=self._run, name="lease-sweeper", daemon=True)
                self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def sweep(self) -> list[uuid.UUID]:
        """Resolve every expired answer now; returns their ids."""
        with self._uow() as tx:
            resolved = tx.conversations.expire_leases(keep=self._own())
        if resolved:
            log.warning("resolved %d answer(s) whose writer stopped renewing its lease", len(resolved))
        return resolved

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.sweep()
            except DatabaseUnavailable:
                pass  # the next pass tries again
            except Exception as exc:
                log.error("lease sweep failed: %s", type(exc).__name__)
