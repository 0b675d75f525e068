"""Sections of ``make bench`` that can be skipped are left out of its table, not crashed on."""

from __future__ import annotations

from typing import Any

import pytest

from scripts.bench import render, targets
from scripts.local import bench_server_url


def _results() -> dict[str, Any]:
    """What a run with ``--cold-starts 0 --rss-streams 0`` and no burst levels measured."""
    return {
        "options": {
            "ttft_s": 0.05,
            "gap_s": 0.02,
            "chunks": 20,
            "workers": 2,
            "threads": 96,
            "cpus": 2,
            "load_average_1min": 0.1,
        },
        "chat_stream": [],
        "direct": {
            "ttft_p50_ms": 52.0,
            "total_p50_ms": 437.0,
            "relay_p95_ms": 0.6,
            "sdk_cpu_ms_per_answer": 9.0,
        },
        "direct_busiest": {"streams": 16, "ttft_p95_ms": 130.0},
        "cpu": {
            "chunks": 20,
            "cpu_ms_per_turn": 10.6,
            "cpu_ms_per_chunk": 0.38,
            "cpu_ms_per_turn_without_chunks": 3.1,
        },
        "server_cpu_ms_per_turn": 10.3,
        "db_round_trips": {},
        "intake_cpu": {"new_conversation": {"p50_ms": 1.3, "p90_ms": 1.4}},
        "memory": {
            "server_worker_vmhwm_mb": 97.0,
            "server_worker_peak_rss_mb": 97.0,
            "server_total_peak_rss_mb": 266.0,
            "bench_ru_maxrss_mb": 101.0,
        },
    }


def test_a_run_without_cold_starts_or_held_streams_prints_the_rest() -> None:
    results = _results()
    results["targets"] = targets(results, [])
    table = render(results)
    assert "(h) server CPU per turn, 20-chunk answer" in table
    assert "(g) peak RSS, server worker" in table
    assert "cold start" not in table
    assert "open streams" not in table


def test_a_run_with_them_prints_them() -> None:
    results = _results()
    results["cold_start"] = {"first_byte_p50_ms": 964.0, "first_token_p50_ms": 1010.0}
    results["memory_per_open_streams"] = {"growth_mb_per_100_streams": 12.3}
    results["targets"] = targets(results, [])
    table = render(results)
    assert "(f) cold start: process start -> first byte (p50)" in table
    assert "(g) RSS growth per 100 open streams" in table


def test_the_bench_uses_the_server_it_is_given_before_any_other(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://env@db.example/x")
    assert bench_server_url("postgresql://flag@db.example/x") == "postgresql://flag@db.example/x"
    assert bench_server_url(None) == "postgresql://env@db.example/x"
