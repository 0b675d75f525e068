"""With several gunicorn workers, each runs on a CPU of its own (common/workers.py)."""

from __future__ import annotations

import os
import time

import httpx2
import psutil
import pytest

from common.workers import cpu_for
from tests.e2e.servers import function_server
from tests.support import Env, parse_sse

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="no CPU affinity on this platform"),
]

CPUS = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []


def _workers(url: str, *, not_these: frozenset[int] = frozenset()) -> list[psutil.Process]:
    """The gunicorn workers serving ``url``: the processes with its port in their command line
    whose parent has it too (the master)."""
    port = url.rsplit(":", 1)[1]
    deadline = time.monotonic() + 20
    while True:
        serving = {
            p.pid: p for p in psutil.process_iter(["cmdline", "ppid"]) if port in (p.info["cmdline"] or [])
        }
        workers = [p for p in serving.values() if p.info["ppid"] in serving and p.pid not in not_these]
        if len(workers) == 2 or time.monotonic() > deadline:
            return workers
        time.sleep(0.1)


def _serves_a_turn(url: str) -> None:
    response = httpx2.post(url, json={"message": "How long does shipping take?"}, timeout=30)
    events, _ = parse_sse(response.text)
    assert events[-1].event == "done", response.text


def _server_env(env: Env, **extra: str) -> dict[str, str]:
    return {"DATABASE_URL": env.database_url, "WORKERS": "2", **extra}


def test_two_workers_run_on_two_cpus(env: Env) -> None:
    with function_server("chat_stream", _server_env(env, PIN_WORKERS_TO_CPUS="true")) as url:
        _serves_a_turn(url)
        pinned = [os.sched_getaffinity(worker.pid) for worker in _workers(url)]

    if len(CPUS) >= 2:
        assert sorted(pinned, key=min) == [{cpu_for(0, CPUS)}, {cpu_for(1, CPUS)}]
    else:  # nothing to spread over
        assert pinned == [set(CPUS), set(CPUS)]


def test_pinning_can_be_turned_off(env: Env) -> None:
    with function_server("chat_stream", _server_env(env, PIN_WORKERS_TO_CPUS="false")) as url:
        _serves_a_turn(url)
        pinned = [os.sched_getaffinity(worker.pid) for worker in _workers(url)]

    assert pinned == [set(CPUS), set(CPUS)]


@pytest.mark.skipif(len(CPUS) < 2, reason="one CPU: nothing to spread over")
def test_a_worker_that_replaces_a_dead_one_takes_the_cpu_it_left(env: Env) -> None:
    with function_server("chat_stream", _server_env(env, PIN_WORKERS_TO_CPUS="true")) as url:
        first = _workers(url)
        # The worker on the second CPU dies (as the out-of-memory killer would end it).
        dead = next(w for w in first if os.sched_getaffinity(w.pid) == {cpu_for(1, CPUS)})
        dead.kill()
        dead.wait(10)
        replaced = _workers(url, not_these=frozenset({dead.pid}))
        _serves_a_turn(url)
        pinned = sorted((os.sched_getaffinity(w.pid) for w in replaced), key=min)

    assert len(replaced) == 2
    assert pinned == [{cpu_for(0, CPUS)}, {cpu_for(1, CPUS)}]


def test_workers_take_the_cpus_in_turn_and_a_replacement_a_free_one() -> None:
    assert [cpu_for(k, [3, 1, 2]) for k in range(5)] == [1, 2, 3, 1, 2]
    assert cpu_for(2, [0, 1], taken=[0]) == 1  # the third fork replaces the worker on CPU 1
    assert cpu_for(2, [0, 1], taken=[1]) == 0
    assert cpu_for(4, [0, 1, 2], taken=[1, 2, 1]) == 0
