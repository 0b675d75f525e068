"""chat_stream under functions-framework on a real socket: deltas arrive as they are made."""

from __future__ import annotations

import itertools
import json
import time

import httpx2
import pytest

from scripts.fake_gemini import Behavior
from tests.e2e.servers import function_server
from tests.support import Env

pytestmark = pytest.mark.e2e


def test_deltas_arrive_spread_over_time_not_buffered(env: Env) -> None:
    chunks = ["Standard ", "delivery ", "takes ", "2-4 ", "working ", "days."]
    env.fake.script(Behavior(chunks=chunks, first_delay=0.2, gap=0.25))
    server_env = {
        "DATABASE_URL": env.database_url,
        "GEMINI_API_KEY": "test-key",
        "GEMINI_BASE_URL": env.fake.url,
    }

    with function_server("chat_stream", server_env) as url:
        arrivals: list[tuple[float, str, dict[str, object]]] = []
        started = time.monotonic()
        with httpx2.stream("POST", url, json={"message": "How long is delivery?"}, timeout=30) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            assert "content-length" not in response.headers
            event = ""
            for line in response.iter_lines():
                if line.startswith("event: "):
                    event = line[len("event: ") :]
                elif line.startswith("data: "):
                    arrivals.append((time.monotonic() - started, event, json.loads(line[len("data: ") :])))

    names = [name for _, name, _ in arrivals]
    assert names == ["meta", *["delta"] * len(chunks), "done"]
    delta_times = [t for t, name, _ in arrivals if name == "delta"]
    assert "".join(str(data["text"]) for _, name, data in arrivals if name == "delta") == "".join(chunks)
    # Each chunk is relayed on its own, about one model gap (0.25 s) after the previous one.
    gaps = [later - earlier for earlier, later in itertools.pairwise(delta_times)]
    assert min(gaps) > 0.1, gaps
    assert delta_times[-1] - delta_times[0] > 1.0
    # meta goes out before the model has produced anything.
    assert arrivals[0][0] < delta_times[0]
