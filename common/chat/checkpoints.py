"""Checkpoints of streaming answers, written from a background thread.

A database round trip never sits between two chunks of an answer: the relay hands over the
text so far and moves on; one writer per instance saves the newest text of every answer.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid

from common.errors import DatabaseUnavailable
from common.unit_of_work import UnitOfWorkFactory

log = logging.getLogger(__name__)


class Checkpointer:
    def __init__(self, uow: UnitOfWorkFactory, *, backoff_seconds: float = 10.0) -> None:
        self._uow = uow
        self._backoff = backoff_seconds
        self._pending: dict[uuid.UUID, str] = {}
        self._writing = 0
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    def save(self, message_id: uuid.UUID, text: str) -> None:
        """Queue ``text`` as the answer's progress; an older queued text is replaced."""
        with self._cond:
            self._pending[message_id] = text
            if self._thread is None or not self._thread.is_alive():
                try:
                    thread = threading.Thread(target=self._run, name="checkpointer", daemon=True)
                    thread.start()
                    self._thread = thread
                except RuntimeError:
                    # No thread to be had right now: skip this checkpoint, never the answer.
                    log.warning("checkpoint writer could not start")
                    return
            self._cond.notify()

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything queued so far is written (or dropped after a failure)."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._pending and not self._writing, timeout)

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: bool(self._pending))
                batch, self._pending = self._pending, {}
                self._writing = len(batch)
            try:
                # One transaction for every answer that moved since the last pass.
                with self._uow() as tx:
                    for message_id, text in batch.items():
                        tx.conversations.save_progress(message_id, text)
            except DatabaseUnavailable:
                # A missed checkpoint only delays resumes on other instances; the answers go on.
                # Keep the batch (newer text queued meanwhile wins) for the next attempt.
                log.warning("checkpoints paused for %.0f s: database unavailable", self._backoff)
                with self._cond:
                    for message_id, text in batch.items():
                        self._pending.setdefault(message_id, text)
                    self._writing = 0
                    self._cond.notify_all()
                time.sleep(self._backoff)
            except Exception as exc:
                log.error("checkpoint write failed: %s", type(exc).__name__)
            finally:
                with self._cond:
                    self._writing = 0
                    self._cond.notify_all()
