"""Generation jobs run on threads that outlive the request and are reused for later answers."""

from __future__ import annotations

import threading
import time

from common.chat.relay import RelayRegistry


def test_a_job_is_found_until_it_ends_and_join_waits_for_it() -> None:
    relays = RelayRegistry()
    release = threading.Event()

    job = relays.run("m1", lambda: release.wait(5))

    assert relays.thread("m1") is job
    assert job.is_alive()
    release.set()
    job.join(5)
    assert not job.is_alive()
    assert relays.thread("m1") is None
    assert relays.active() == 0


def test_a_thread_that_finished_an_answer_takes_the_next_one() -> None:
    relays = RelayRegistry()
    ran_on: list[threading.Thread] = []

    for key in ("m1", "m2", "m3"):
        relays.run(key, lambda: ran_on.append(threading.current_thread())).join(5)
        until = time.monotonic() + 5
        while relays.idle_threads() == 0 and time.monotonic() < until:
            time.sleep(0.001)  # the thread is between its job's end and waiting for the next

    assert len(ran_on) == 3
    assert len(set(ran_on)) == 1


def test_jobs_at_once_each_get_a_thread() -> None:
    relays = RelayRegistry()
    started = threading.Barrier(4, timeout=5)

    jobs = [relays.run(f"m{i}", started.wait) for i in range(3)]
    started.wait()  # all three run at the same time, or this times out

    for job in jobs:
        job.join(5)
    assert relays.active() == 0
