"""``make bench-console``: p95 of every console request with 100,000 stored messages.

Creates a throwaway database on the Postgres server at DATABASE_URL (default: 127.0.0.1:5432
when it answers, else an embedded Postgres), seeds it (``scripts.seed_console``), then calls
each console route through the ``policies`` function (functions-framework's Flask app, in
process: handler, service, SQL and JSON, no network) and prints p50/p95 next to the 300 ms
target. Figures, not a pass/fail test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import uuid
from collections.abc import Callable
from typing import Any

import functions_framework
import sqlalchemy as sa

from common import runtime
from common.config import REPO_ROOT
from scripts.local import bench_server_url, throwaway_database
from scripts.seed_console import seed

TARGET_MS = 300.0
ADMIN = {"Authorization": "Bearer bench-admin"}


def _requests(client: Any, url: str) -> dict[str, Callable[[], Any]]:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+pg8000://", 1))
    with engine.connect() as conn:
        newest = conn.execute(
            sa.text("SELECT id FROM conversations ORDER BY created_at DESC LIMIT 1")
        ).scalar()
    engine.dispose()
    page = client.get("/_conversations", headers=ADMIN, query_string={"limit": 50}).get_json()

    def get(path: str, **query: Any) -> Callable[[], Any]:
        return lambda: client.get(path, headers=ADMIN, query_string=query)

    return {
        "conversations, most recently active 50": get("/_conversations", limit=50),
        "conversations, next page (cursor)": get("/_conversations", limit=50, cursor=page["next_cursor"]),
        "conversations, source=fallback": get("/_conversations", source="fallback"),
        "conversations, rating=down": get("/_conversations", rating="down"),
        "conversations, status=failed, 7 days": get("/_conversations", status="failed", since=_days_ago(7)),
        "conversations, search 'refund jacket'": get("/_conversations", q="refund jacket"),
        "conversations, search 'bitcoin'": get("/_conversations", q="bitcoin"),
        "transcript": get(f"/_conversations/{newest}"),
        "analytics summary, 24 h": get("/_analytics", hours=24),
        "analytics summary, 30 days": get("/_analytics", hours=720),
        "chart series, 1 h": get("/_analytics/series", hours=1),
        "chart series, 24 h": get("/_analytics/series", hours=24),
        "chart series, 7 days": get("/_analytics/series", hours=168),
        "chart series, 30 days": get("/_analytics/series", hours=720),
        "feedback, 7 days": get("/_feedback", hours=168),
        "unanswered, 30 days": get("/_unanswered", hours=720),
        "knowledge list": get("/"),
        "knowledge entry revisions": get("/returns/revisions"),
        "who am I": get("/_me"),
    }


def _days_ago(days: int) -> str:
    import datetime as dt

    return (dt.datetime.now(dt.UTC) - dt.timedelta(days=days)).isoformat()


def measure(call: Callable[[], Any], runs: int) -> tuple[float, float, int]:
    call()  # warm: first-use imports and connection
    timings = []
    status = 0
    for _ in range(runs):
        started = time.perf_counter()
        response = call()
        timings.append((time.perf_counter() - started) * 1000)
        status = response.status_code
    quantiles = statistics.quantiles(timings, n=20)
    return statistics.median(timings), quantiles[18], status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--database-url", default=None, help="default: as make bench chooses")
    options = parser.parse_args()
    server = bench_server_url(options.database_url)
    with throwaway_database(server, f"bench_console_{uuid.uuid4().hex[:8]}") as url:
        started = time.monotonic()
        count = seed(url, messages=options.messages)
        print(f"seeded {count} messages in {time.monotonic() - started:.0f} s\n")
        os.environ.update(
            DATABASE_URL=url, ADMIN_TOKEN=ADMIN["Authorization"].split()[1], LOG_LEVEL="WARNING"
        )
        runtime.reset()
        app = functions_framework.create_app(
            "policies", str(REPO_ROOT / "functions" / "policies" / "main.py")
        )
        client = app.test_client()
        print(f"{'console request':40} {'p50 ms':>8} {'p95 ms':>8}  target p95 <= {TARGET_MS:.0f} ms")
        worst = 0.0
        for name, call in _requests(client, url).items():
            p50, p95, status = measure(call, options.runs)
            worst = max(worst, p95)
            verdict = "met" if p95 <= TARGET_MS and status == 200 else f"MISSED (status {status})"
            print(f"{name:40} {p50:8.1f} {p95:8.1f}  {verdict}")
        print(f"\nworst p95: {worst:.1f} ms over {options.runs} runs each, {count} messages")
        runtime.reset()


if __name__ == "__main__":
    main()
