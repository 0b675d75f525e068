"""The per-instance knowledge cache: TTL, no stampede, stale on error, defaults when cold."""

from __future__ import annotations

import logging
import threading
import time

import pytest

from common.errors import DatabaseUnavailable
from common.knowledge import DEFAULT_KNOWLEDGE, Knowledge, KnowledgeEntry
from common.knowledge.cache import KnowledgeCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeStore:
    """Stands in for the database: returns the current version, or fails when told to."""

    def __init__(self) -> None:
        self.version = 1
        self.loads = 0
        self.failing = False
        self.gate: threading.Event | None = None

    def load(self) -> Knowledge:
        self.loads += 1
        if self.gate is not None:
            self.gate.wait(5)
        if self.failing:
            raise DatabaseUnavailable("down")
        return Knowledge(self.version, (KnowledgeEntry("k", f"v{self.version}", "c"),))


def test_serves_from_memory_within_the_ttl() -> None:
    store, clock = FakeStore(), Clock()
    cache = KnowledgeCache(store.load, ttl_seconds=60, clock=clock)

    first = cache.get()
    store.version = 2
    clock.now += 47  # before the refresh-ahead point (80 % of the TTL)
    again = cache.get()

    assert first.version == again.version == 1
    assert store.loads == 1


def test_near_the_end_of_the_ttl_a_background_refresh_keeps_requests_from_waiting() -> None:
    store, clock = FakeStore(), Clock()
    cache = KnowledgeCache(store.load, ttl_seconds=60, clock=clock)
    cache.get()
    store.version, clock.now = 2, clock.now + 50
    store.gate = threading.Event()  # the database is slow to answer

    served_meanwhile = [cache.get().version for _ in range(5)]  # none of these waits
    store.gate.set()
    deadline = time.monotonic() + 5
    while cache.get().version != 2 and time.monotonic() < deadline:
        time.sleep(0.01)

    assert served_meanwhile == [1] * 5
    assert cache.get().version == 2
    assert store.loads == 2  # one refresh, not one per request


def test_refreshes_after_the_ttl() -> None:
    store, clock = FakeStore(), Clock()
    cache = KnowledgeCache(store.load, ttl_seconds=60, clock=clock)
    cache.get()

    store.version = 2
    clock.now += 61

    assert cache.get().version == 2
    assert store.loads == 2


def test_one_thread_refreshes_while_the_others_serve_the_current_copy() -> None:
    store, clock = FakeStore(), Clock()
    cache = KnowledgeCache(store.load, ttl_seconds=60, clock=clock)
    cache.get()
    store.version, clock.now = 2, clock.now + 61
    store.gate = threading.Event()  # the refresh blocks until released
    refresher = threading.Thread(target=cache.get)
    refresher.start()
    while store.loads < 2:
        pass

    others = [cache.get().version for _ in range(20)]
    store.gate.set()
    refresher.join()

    assert others == [1] * 20
    assert store.loads == 2
    assert cache.get().version == 2


def test_a_change_through_this_instance_is_read_by_the_next_request() -> None:
    store, clock = FakeStore(), Clock()
    cache = KnowledgeCache(store.load, ttl_seconds=60, clock=clock)
    cache.get()

    store.version = 2
    cache.expire()

    assert cache.get().version == 2
    assert store.loads == 2
    assert cache.get().version == 2 and store.loads == 2  # fresh again for the TTL


def test_a_refresh_that_read_before_a_change_does_not_keep_its_copy_fresh() -> None:
    store, clock = FakeStore(), Clock()
    cache = KnowledgeCache(store.load, ttl_seconds=60, clock=clock)
    cache.get()
    clock.now += 50  # a background refresh starts, and reads version 1 slowly
    store.gate = threading.Event()
    cache.get()
    reading = time.monotonic() + 5
    while store.loads < 2 and time.monotonic() < reading:
        time.sleep(0.001)
    assert store.loads == 2  # the refresh is reading

    store.version = 2
    cache.expire()  # the change commits while that refresh is still reading
    store.gate.set()
    deadline = time.monotonic() + 5
    while store.loads < 3 and time.monotonic() < deadline:
        cache.get()
        time.sleep(0.01)

    assert store.loads == 3
    assert cache.get().version == 2


def test_a_failed_refresh_keeps_serving_the_stale_copy(caplog: pytest.LogCaptureFixture) -> None:
    store, clock = FakeStore(), Clock()
    cache = KnowledgeCache(store.load, ttl_seconds=60, retry_seconds=5, clock=clock)
    cache.get()
    store.failing, clock.now = True, clock.now + 61

    with caplog.at_level(logging.WARNING):
        stale = cache.get()
        clock.now += 1
        still_stale = cache.get()

    assert stale.version == still_stale.version == 1
    assert store.loads == 2  # no retry before retry_seconds
    assert "refresh failed" in caplog.text
    store.failing, clock.now = False, clock.now + 5
    store.version = 3
    assert cache.get().version == 3


def test_cold_with_the_database_down_serves_the_built_in_defaults() -> None:
    store, clock = FakeStore(), Clock()
    store.failing = True
    cache = KnowledgeCache(store.load, ttl_seconds=60, retry_seconds=5, clock=clock)

    assert cache.get() is DEFAULT_KNOWLEDGE
    assert cache.get() is DEFAULT_KNOWLEDGE
    assert store.loads == 1
    store.failing, clock.now = False, clock.now + 5
    assert cache.get().version == 1
