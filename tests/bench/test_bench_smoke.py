"""``make bench`` still runs end to end and prints every figure (tiny parameters, no timing checks)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from common.config import REPO_ROOT
from common.db import start_embedded_postgres

pytestmark = pytest.mark.e2e

FIGURES = [
    "(a) direct SDK: time to first token",
    "(a) direct SDK: total time",
    "(b)  1 stream(s): time to first token",
    "(b)  2 stream(s): total time",
    "(b)  2 stream(s): errors",
    "(c)  1 stream(s): added TTFT p50",
    "(c)  2 stream(s): added TTFT p95",
    "(c)  1 stream(s): TTFT ratio to direct",
    "(d)  1 stream(s): relay delay per chunk p50",
    "(d)  2 stream(s): relay delay per chunk p95",
    "(e) warm turn, new conversation: SQL statements",
    "(e) warm turn, follow up: SQL statements",
    "(e) request intake CPU (ChatService.send), new conversation: p50",
    "(e) request intake CPU (ChatService.send), follow up: p50",
    "(f) cold start: process start -> first byte",
    "(g) peak RSS, server worker",
    "(g) peak RSS, bench (ru_maxrss)",
    "(g) RSS growth per 100 open streams",
    "(h) server CPU per turn, 3-chunk answer",
    "(h) server CPU per chunk",
    "(i) open loop,   4 streams/vCPU: added TTFT p50 / p95",
    "(i) sizing rule: streams per vCPU",
    "(j) new conversation, database 0 ms: TTFT / done p50",
    "(j) follow up, database 1 ms each way: TTFT / done p50",
    "(k) bare relay, sdk:  2 stream(s): added TTFT p50 / p95",
    "(k) bare relay, ours:  2 stream(s): relay per chunk p50 / p95",
    "(k) bare relay, ours: CPU per turn, 3-chunk answer",
]


def test_bench_prints_every_figure_of_issues_8_and_18(tmp_path: Path) -> None:
    server_url = os.environ.get("TEST_DATABASE_URL") or start_embedded_postgres(REPO_ROOT / ".data" / "test")
    report = tmp_path / "bench.json"
    run = subprocess.run(
        [
            *(sys.executable, "-m", "scripts.bench", "--streams", "1,2", "--chunks", "3"),
            *("--ttft", "0.02", "--gap", "0.002", "--single-samples", "2", "--turns-per-stream", "1"),
            *("--cold-starts", "1", "--cpu-turns", "2", "--rss-streams", "4"),
            *("--open-loop", "4", "--open-loop-seconds", "3", "--db-delay-ms", "1"),
            *("--database-url", server_url, "--json", str(report)),
        ],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    for figure in FIGURES:
        assert figure in run.stdout, f"missing {figure!r} in:\n{run.stdout}"
    results = json.loads(report.read_text())
    assert [level["errors"] for level in results["chat_stream"]] == [0, 0]
    for client in ("sdk", "ours"):
        assert [level["errors"] for level in results["bare_relay"][client]["levels"]] == [0, 0]
    assert all(row["value"] is not None for row in results["targets"])
    assert all(cpu["p50_ms"] > 0 for cpu in results["intake_cpu"].values())
