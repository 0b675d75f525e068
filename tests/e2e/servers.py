"""Start the functions as Cloud Functions runs them: ``functions-framework`` (gunicorn, gthread)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from common.config import REPO_ROOT
from scripts.local import free_port, stop, wait_for_port

VENV_BIN = Path(sys.executable).parent


@contextmanager
def function_server(
    target: str, env: dict[str, str], *, threads: int = 8, stdout: Path | None = None
) -> Iterator[str]:
    """Serve ``functions/<target>/main.py`` with the functions-framework CLI; yield its URL.

    ``stdout``: a file that receives the server's standard output (its log lines).
    """
    with function_process(target, env, threads=threads, stdout=stdout) as (url, _):
        yield url


@contextmanager
def function_process(
    target: str, env: dict[str, str], *, threads: int = 8, stdout: Path | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``function_server``, yielding its process too (to signal it)."""
    port = free_port()
    full_env = {
        **os.environ,
        **env,
        "PYTHONPATH": str(REPO_ROOT),
        "THREADS": str(threads),
        "PYTHONUNBUFFERED": "1",
    }
    out = stdout.open("wb") if stdout is not None else None
    process = subprocess.Popen(
        [
            str(VENV_BIN / "functions-framework"),
            "--target",
            target,
            "--source",
            str(REPO_ROOT / "functions" / target / "main.py"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=full_env,
        cwd=str(REPO_ROOT),
        stdout=out,
    )
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}", process
    finally:
        stop(process)
        if out is not None:
            out.close()
