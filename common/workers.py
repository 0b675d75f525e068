"""Each gunicorn worker on a CPU of its own.

An answer's chunk passes between three threads of a worker: the generation thread reads it
from the model, the checkpoint writer saves it, the request's thread sends it. Where the
kernel runs those threads on different CPUs, every hand-off wakes a thread on the other CPU,
which then waits there for the GIL the waking thread still holds: two context switches and
a futex round per hand-off, and the worker's Python runs on one CPU at a time anyway. With
one worker per vCPU (``WORKERS`` = CPUs, as deployed) and each worker pinned to its own CPU,
a hand-off is a switch on the same CPU. ``make bench`` measured it (README, Performance).
"""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Sequence

from common.config import ConfigError, get_settings

log = logging.getLogger(__name__)

_registered = False


def cpu_for(worker: int, cpus: Sequence[int]) -> int:
    """The CPU of the ``worker``-th process forked (0-based): the CPUs in turn."""
    return sorted(cpus)[worker % len(cpus)]


def pin_each_worker_to_a_cpu() -> None:
    """When ``WORKERS`` > 1 and ``PIN_WORKERS_TO_CPUS`` is on (the default), every process this
    one forks from now on (gunicorn's workers: call it in the master, before they are forked)
    runs on the next of the CPUs this process may use, in turn. A worker that replaces a dead
    one takes the next CPU in turn, which may be one a live worker has. Idempotent."""
    global _registered
    try:
        settings = get_settings()
    except ConfigError:
        return  # the request handlers report it
    cpus = sorted(os.sched_getaffinity(0))
    if _registered or not settings.pin_workers_to_cpus or (settings.workers or 1) < 2 or len(cpus) < 2:
        return
    forks = itertools.count()
    worker = [0]

    def before_fork() -> None:
        worker[0] = next(forks)

    def in_the_worker() -> None:
        cpu = cpu_for(worker[0], cpus)
        try:
            os.sched_setaffinity(0, {cpu})
        except OSError as exc:
            log.warning("could not pin worker %d to CPU %d: %s", worker[0], cpu, exc)

    os.register_at_fork(before=before_fork, after_in_child=in_the_worker)
    _registered = True
