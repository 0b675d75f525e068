"""Start the functions as Cloud Functions runs them: ``functions-framework`` (gunicorn, gthread)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from common.config import REPO_ROOT

VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    until = time.monotonic() + timeout
    while time.monotonic() < until:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listening on {port} after {timeout}s")


@contextmanager
def function_server(
    target: str, env: dict[str, str], *, threads: int = 8, stdout: Path | None = None
) -> Iterator[str]:
    """Serve ``functions/<target>/main.py`` with the functions-framework CLI; yield its URL.

    ``stdout``: a file that receives the server's standard output (its log lines).
    """
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
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        if out is not None:
            out.close()
