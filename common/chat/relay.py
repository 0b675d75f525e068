"""Hand an answer from the thread that generates it to the requests that show it.

Generation runs in its own thread so that a client going away never stops it; each
reader (the original request, or a resume on this instance) follows an ``AnswerChannel``.
"""

from __future__ import annotations

import bisect
import contextvars
import functools
import queue
import threading
from collections.abc import Callable

from common.chat.events import FinalEvent


class AnswerChannel:
    """An append-only list of chunks plus a final event, safe to read from many threads.

    A chunk can be published before readers may see it (``shown=False``): it is shown once
    ``show`` reaches it (its text is saved) or the channel closes.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._chunks: list[str] = []
        self._ends: list[int] = []  # character offset after each chunk
        self._shown = 0  # readers see the text up to this offset
        self._final: FinalEvent | None = None

    def publish(self, text: str, *, shown: bool = True) -> None:
        with self._cond:
            self._chunks.append(text)
            self._ends.append((self._ends[-1] if self._ends else 0) + len(text))
            if shown:
                self._shown = self._ends[-1]
                self._cond.notify_all()

    def show(self, upto: int) -> None:
        """Let readers see the text up to character ``upto`` (it is saved)."""
        with self._cond:
            if upto > self._shown:
                self._shown = min(upto, self._ends[-1] if self._ends else 0)
                self._cond.notify_all()

    def close(self, final: FinalEvent) -> None:
        """End the stream, showing all its text; the first ending stands (readers may already
        have seen it)."""
        with self._cond:
            if self._final is None:
                self._final = final
            self._shown = self._ends[-1] if self._ends else 0
            self._cond.notify_all()

    def wait_closed(self, timeout: float) -> bool:
        """Block until the final event is set (or ``timeout``); returns whether it was."""
        with self._cond:
            return self._cond.wait_for(lambda: self._final is not None, timeout)

    @property
    def text(self) -> str:
        """All the text published so far, shown or not."""
        with self._cond:
            return "".join(self._chunks)

    def read(self, offset: int, timeout: float) -> tuple[list[str], FinalEvent | None]:
        """Shown chunks after character ``offset`` (waiting up to ``timeout`` for one), and the
        end if reached."""
        with self._cond:
            if offset >= self._shown and self._final is None:
                self._cond.wait(timeout)
            shown = self._shown
            if offset >= shown:
                return [], self._final
            index = bisect.bisect_right(self._ends, offset)
            start = self._ends[index - 1] if index else 0
            last = bisect.bisect_left(self._ends, shown)  # the chunk the shown text ends in
            chunks = self._chunks[index : last + 1]
            if self._ends[last] > shown:
                chunks[-1] = chunks[-1][: len(chunks[-1]) - (self._ends[last] - shown)]
            if offset > start:
                chunks[0] = chunks[0][offset - start :]
            return chunks, (self._final if shown == self._ends[-1] else None)


class Generation:
    """One answer's generation job: ``join`` waits for it (and its follow-up work) to end."""

    def __init__(self) -> None:
        self._done = threading.Event()

    def join(self, timeout: float | None = None) -> None:
        self._done.wait(timeout)

    def is_alive(self) -> bool:
        return not self._done.is_set()


class _ReusedThreads:
    """Daemon threads that wait for their next job once one is done (up to ``idle_seconds``).

    Starting a thread makes the caller wait until the new thread has run, which under load means
    waiting for the GIL on the request's path; handing a job to an idle thread does not wait.
    """

    def __init__(self, idle_seconds: float = 60.0) -> None:
        self._idle_seconds = idle_seconds
        self._jobs: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0  # threads waiting for a job that no job was promised to yet

    @property
    def idle(self) -> int:
        with self._lock:
            return self._idle

    def submit(self, job: Callable[[], None], name: str) -> None:
        with self._lock:
            if self._idle > 0:
                self._idle -= 1
                self._jobs.put(job)
                return
        threading.Thread(target=self._work, args=(job,), name=name, daemon=True).start()

    def _work(self, job: Callable[[], None]) -> None:
        while True:
            job()
            with self._lock:
                self._idle += 1
            try:
                job = self._jobs.get(timeout=self._idle_seconds)
            except queue.Empty:
                with self._lock:
                    try:
                        # A job was promised to an idle thread while this one gave up waiting.
                        job = self._jobs.get_nowait()
                    except queue.Empty:
                        self._idle -= 1
                        return


class RelayRegistry:
    """The answers this instance is generating right now, by assistant message id."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._channels: dict[str, AnswerChannel] = {}
        self._jobs: dict[str, Generation] = {}
        self._threads = _ReusedThreads()

    def open(self, message_id: str) -> AnswerChannel:
        channel = AnswerChannel()
        with self._lock:
            self._channels[message_id] = channel
        return channel

    def get(self, message_id: str) -> AnswerChannel | None:
        with self._lock:
            return self._channels.get(message_id)

    def release(self, message_id: str) -> None:
        """The answer is stored: later readers on this instance read it from the database."""
        with self._lock:
            self._channels.pop(message_id, None)

    def run(self, message_id: str, target: Callable[[], None]) -> Generation:
        """Run ``target`` (the generation, then any follow-up work) in a thread that outlives
        the request; ``thread(message_id)`` finds it until it ends."""
        generation = Generation()

        def tracked() -> None:
            try:
                target()
            finally:
                with self._lock:
                    self._jobs.pop(message_id, None)
                generation._done.set()

        # The job runs in the request's context (its log trace and labels).
        context = contextvars.copy_context()
        with self._lock:
            self._jobs[message_id] = generation
        try:
            self._threads.submit(functools.partial(context.run, tracked), name=f"answer-{message_id}")
        except BaseException:
            with self._lock:
                self._jobs.pop(message_id, None)
            raise
        return generation

    def thread(self, message_id: str) -> Generation | None:
        with self._lock:
            return self._jobs.get(message_id)

    def idle_threads(self) -> int:
        """Threads waiting to write the next answer."""
        return self._threads.idle

    def active(self) -> int:
        """Answers being generated, or turns still being worked on, on this instance."""
        with self._lock:
            return len(self._channels) + len(self._jobs)
