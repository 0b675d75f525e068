"""Checkpoints and leases of streaming answers, written from a background thread.

A database round trip never sits between two chunks of an answer on the model's side: the
relay hands over the text so far and moves on; one writer per instance saves the newest text
of every answer, all of them in one statement, and then tells each answer how far its text is
saved (``shown``), so that it can show the shopper only text that survives the instance.
While the database fails, text is shown at once instead (the writer keeps the whole answer in
memory and retries its final save; see ``common.chat.generation``).
The same writer renews the liveness lease of every answer this instance holds, every
``renew_seconds``, also while the model is quiet: an answer whose lease runs out has lost
its writer (see ``common.chat.leases``).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Collection, Mapping
from typing import NamedTuple, Protocol

from common.errors import DatabaseUnavailable

log = logging.getLogger(__name__)

# Told how many characters of an answer are saved.
Shown = Callable[[int], None]


class Tail(NamedTuple):
    """What a pass sends of an answer: only the text after what an earlier pass saved."""

    kept: int
    text: str


class ProgressStore(Protocol):
    """Where a pass goes (``common.repositories.progress.ProgressConnection``)."""

    def write(
        self, tails: Mapping[uuid.UUID, Tail], renew: Collection[uuid.UUID], lease_seconds: float
    ) -> None:
        """Save each answer's text as its first ``kept`` characters (saved before) plus ``text``."""
        ...

    def close(self) -> None:
        """The writer is idle: let go of the connection."""
        ...


# With no answer to write for this long, the writer thread ends (and its connection goes back).
IDLE_EXIT_SECONDS = 30.0
# The shortest time between the starts of two passes: at most this much is added to a chunk's
# way to the shopper, only under load (chunks of one answer come 20-60 ms apart). Text that
# arrives during a pass joins the next one anyway. ``make bench``, 16 streams: 5 ms gave a relay
# delay per chunk of 3.4 / 6.0 ms (p50 / p95), 1 ms 0.7 / 2.3 ms, 0 ms 0.6 / 2.5 ms, at the
# same CPU per chunk (0.33-0.36 ms).
PASS_SPACING_SECONDS = 0.001
# A pass still running after this long (a database that hangs rather than fails) counts as
# failing: new text is shown without waiting for it.
SLOW_PASS_SECONDS = 1.0


class Checkpointer:
    def __init__(
        self,
        store: ProgressStore,
        *,
        lease_seconds: float = 15.0,
        renew_seconds: float = 5.0,
        backoff_seconds: float | None = None,
    ) -> None:
        self._store = store
        self._lease = lease_seconds
        self._renew_every = renew_seconds
        # After a failure, try again soon enough that a live answer keeps its lease.
        self._backoff = renew_seconds if backoff_seconds is None else backoff_seconds
        self._pending: dict[uuid.UUID, tuple[str, Shown | None]] = {}
        # The last write failed: text is shown without waiting for a save that may never come.
        self._failing = False
        self._held: set[uuid.UUID] = set()
        # How many characters of each answer are saved: a pass sends only what follows.
        self._saved: dict[uuid.UUID, int] = {}
        self._renewed_at = 0.0
        self._writing = 0
        self._pass_started = 0.0
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._gone = False  # let go of (the instance stops): no writer starts again

    def save(self, message_id: uuid.UUID, text: str, shown: Shown | None = None) -> None:
        """Queue ``text`` as the answer's progress; an older queued text is replaced.

        ``shown`` is called with ``len(text)`` once the text is saved (or could not be)."""
        with self._cond:
            self._pending[message_id] = (text, shown)
            self._wake()
            failing = self._failing or (
                self._writing > 0 and time.monotonic() - self._pass_started > SLOW_PASS_SECONDS
            )
        if failing and shown is not None:
            shown(len(text))

    def hold(self, message_id: uuid.UUID) -> None:
        """Keep renewing the answer's lease until ``release``: this instance is writing it."""
        with self._cond:
            if not self._held:
                # Its placeholder was stored with a fresh lease: the first renewal is one period away.
                self._renewed_at = time.monotonic()
            self._held.add(message_id)
            self._wake()

    def release(self, message_id: uuid.UUID) -> None:
        """The answer is stored (or given up): stop renewing its lease."""
        with self._cond:
            self._held.discard(message_id)
            self._saved.pop(message_id, None)

    def holding(self) -> frozenset[uuid.UUID]:
        """The answers this instance is writing right now."""
        with self._cond:
            return frozenset(self._held)

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything queued so far is written (or dropped after a failure)."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._pending and not self._writing, timeout)

    def stop(self, timeout: float = 5.0) -> None:
        """Write what is queued, then end the writer and let go of its connection."""
        self.flush(timeout)
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def let_go(self, timeout: float = 2.0) -> None:
        """The instance stops (its answers with it): the writer ends after the pass it is in, and
        no other starts; then one last write saves the text still queued and ends the lease of
        every answer still held, so that whoever meets one resolves it at once (``answer_lost``;
        a retry answers again) instead of after the lease runs out."""
        with self._cond:
            self._gone = self._stopping = True
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
        with self._cond:
            if self._thread is not None and self._thread.is_alive():
                return  # a write that hangs: those leases run out on their own
            tails = self._tails(self._pending)
            held, self._pending, self._held = set(self._held), {}, set()
        if not tails and not held:
            return
        try:
            self._store.write(tails, held, 0.0)
            log.info("let go of %d answer(s) still being written", len(held))
        except Exception as exc:
            log.warning("could not let go of %d answer(s): %s", len(held), type(exc).__name__)
        finally:
            self._store.close()

    def _wake(self) -> None:
        """Start the writer if it is not running, and tell it there is work (lock held)."""
        if self._gone:
            return
        self._stopping = False
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

    def _renewal_due(self) -> bool:
        return bool(self._held) and time.monotonic() - self._renewed_at >= self._renew_every

    def _next_pass(self) -> tuple[dict[uuid.UUID, tuple[str, Shown | None]], set[uuid.UUID]] | None:
        """Wait for text to save or a lease to renew; take both (lock held). None: idle for a
        while, the thread may end (``_wake`` starts another)."""
        while not self._gone and not self._pending and not self._renewal_due():
            wait = (
                self._renew_every - (time.monotonic() - self._renewed_at) if self._held else IDLE_EXIT_SECONDS
            )
            idle = not self._cond.wait(wait) and not self._held and not self._pending
            if idle or (self._stopping and not self._pending):
                self._end()
                return None
        if self._gone:
            self._end()  # ``let_go`` writes what is left
            return None
        # Passes start at most every PASS_SPACING_SECONDS: under load one pass carries the
        # chunks of many answers (one statement), instead of a pass per chunk.
        not_before = self._pass_started + PASS_SPACING_SECONDS
        while not self._failing and (early := not_before - time.monotonic()) > 0:
            self._cond.wait(early)  # more text arriving meanwhile joins this pass
        batch, self._pending = self._pending, {}
        renew = set(self._held) if self._renewal_due() else set()
        self._writing = len(batch) + len(renew)
        self._pass_started = time.monotonic()
        return batch, renew

    def _end(self) -> None:
        """The writer thread ends (lock held: a writer started meanwhile uses the store only after this)."""
        self._thread = None
        self._store.close()

    def _tails(self, batch: Mapping[uuid.UUID, tuple[str, Shown | None]]) -> dict[uuid.UUID, Tail]:
        """What a pass sends of each answer: its text after what an earlier pass saved (lock held)."""
        tails = {}
        for message_id, (text, _) in batch.items():
            kept = min(self._saved.get(message_id, 0), len(text))
            tails[message_id] = Tail(kept, text[kept:])
        return tails

    def _run(self) -> None:
        while True:
            with self._cond:
                work = self._next_pass()
            if work is None:
                return
            batch, renew = work
            saved = self._write(batch, renew)
            for text, shown in batch.values():
                if shown is not None:
                    shown(len(text))  # saved, or shown anyway while the database fails
            if not saved:
                time.sleep(self._backoff)  # never a busy loop on a lasting fault
            with self._cond:
                self._writing = 0
                self._cond.notify_all()

    def _write(self, batch: dict[uuid.UUID, tuple[str, Shown | None]], renew: set[uuid.UUID]) -> bool:
        """One statement for every answer that moved (and one for the leases due) since the last pass."""
        with self._cond:
            tails = self._tails(batch)
        try:
            self._store.write(tails, renew, self._lease)
        except DatabaseUnavailable:
            # A missed checkpoint only delays resumes on other instances; the answers go on.
            # Keep the batch (newer text queued meanwhile wins) for the next attempt.
            log.warning("checkpoints paused for %.1f s: database unavailable", self._backoff)
            with self._cond:
                self._failing = True
                for message_id, pending in batch.items():
                    self._pending.setdefault(message_id, pending)
            return False
        except Exception as exc:
            log.error("checkpoint write failed: %s", type(exc).__name__)
            with self._cond:
                self._failing = True
            return False
        with self._cond:
            self._failing = False
            for message_id, (text, _) in batch.items():
                if message_id in self._held:  # a released answer is stored: forget it
                    self._saved[message_id] = len(text)
        if renew:
            self._renewed_at = time.monotonic()
        return True
