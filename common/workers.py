"""Each gunicorn worker on a CPU of its own.

An answer's chunk passes between three threads of a worker: the generation thread reads it
from the model, the checkpoint writer saves it, the request's thread sends it. Where the
kernel runs those threads on different CPUs, every hand-off wakes a thread on the other CPU,
which then waits there for the GIL the waking thread still holds: two context switches and
a futex round per hand-off, and the worker's Python runs on one CPU at a time anyway. With
one worker per vCPU (``WORKERS`` = CPUs, as deployed) and each worker pinned to its own CPU,
a hand-off is a switch on the same CPU. ``make bench`` measured it (README, Performance).
Linux only (``os.sched_setaffinity``); elsewhere, and in gVisor, which does not enforce
affinity, the workers run as before.
"""

from __future__ import annotations

import collections
import itertools
import logging
import os
import signal
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from common.config import ConfigError, get_settings

log = logging.getLogger(__name__)

_registered = False


def cpu_for(worker: int, cpus: Sequence[int], taken: Iterable[int] = ()) -> int:
    """The CPU of the ``worker``-th process forked (0-based): the CPUs in turn, unless that one
    is ``taken`` by a live worker already (a worker forked to replace a dead one): then the
    least taken."""
    ordered = sorted(cpus)
    counts = collections.Counter(taken)
    turn = ordered[worker % len(ordered)]
    if counts[turn] == 0:
        return turn
    return min(ordered, key=lambda cpu: (counts[cpu], cpu))


def pin_each_worker_to_a_cpu() -> None:
    """When ``WORKERS`` > 1 and ``PIN_WORKERS_TO_CPUS`` is on (the default), every process this
    one forks from now on (gunicorn's workers: call it in the master, before they are forked)
    runs on one of the CPUs this process may use: the next in turn, or, for a worker that
    replaces a dead one, one no live worker has. Idempotent; nothing where the platform
    cannot pin."""
    global _registered
    try:
        settings = get_settings()
    except ConfigError:
        return  # the request handlers report it
    if _registered or not settings.pin_workers_to_cpus or (settings.workers or 1) < 2:
        return
    if not hasattr(os, "sched_setaffinity"):
        return
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return
    master = os.getpid()
    forks = itertools.count()
    worker = [0]

    def before_fork() -> None:
        if os.getpid() == master:
            worker[0] = next(forks)

    def in_the_worker() -> None:
        if os.getppid() != master:
            return  # forked by a worker, not by the master
        cpu = cpu_for(worker[0], cpus, taken=_pinned_siblings(master))
        try:
            os.sched_setaffinity(0, {cpu})
        except OSError as exc:
            log.warning("could not pin worker %d to CPU %d: %s", worker[0], cpu, exc)

    os.register_at_fork(before=before_fork, after_in_child=in_the_worker)
    _registered = True


def _pinned_siblings(parent: int) -> list[int]:
    """The CPUs of the other children of ``parent`` that are pinned to one CPU (``/proc``)."""
    me = os.getpid()
    found: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            # The parent's id is the second field after the command name, which may hold spaces.
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != parent:
                continue
            pinned = os.sched_getaffinity(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile, or not ours to read
        if len(pinned) == 1:
            found += pinned
    return found


def worker_stopping() -> Callable[[], bool] | None:
    """In a gunicorn worker (call it there, at request time): whether the worker was told to stop.
    Cloud Run sends SIGTERM about 10 s before SIGKILL; gunicorn's worker handles it with its own
    bound ``handle_exit``, which clears the worker's ``alive`` and then waits for the requests
    still open. None where this process is no gunicorn worker (``make dev``, the tests' app)."""
    handler = signal.getsignal(signal.SIGTERM)
    worker: Any = getattr(handler, "__self__", None)
    if not isinstance(getattr(worker, "alive", None), bool):
        return None
    return lambda: not worker.alive
