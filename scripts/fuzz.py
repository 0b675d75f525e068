"""``make fuzz``: Schemathesis against every operation of openapi.yaml, admin routes included.

It serves the functions itself (``scripts.devserver.build_app``, answers from the knowledge
base, no rate limits) on a free port, with a throwaway database on DATABASE_URL's server (or the
embedded Postgres) that is dropped afterwards: generated writes (policies overwritten, staff
revoked, owners named "0") never reach the data of a ``make dev``.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import threading
import uuid
from pathlib import Path

from werkzeug.serving import make_server

from common import runtime
from common.config import REPO_ROOT, get_settings
from common.db import start_embedded_postgres
from scripts.local import free_port, throwaway_database

CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_headers_conformance,response_schema_conformance"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=50, help="examples per operation")
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()

    settings = get_settings()
    server_url = settings.database_url or start_embedded_postgres(settings.data_dir)
    token = secrets.token_urlsafe(24)
    name = f"fuzz_{uuid.uuid4().hex[:8]}"
    with throwaway_database(server_url, name) as url:
        os.environ.update(
            DATABASE_URL=url,
            ADMIN_TOKEN=token,
            CONVERSATION_TOKEN_SECRET=secrets.token_urlsafe(24),
            GEMINI_API_KEY="",  # answers from the knowledge base: fast, and no model is called
            RATE_LIMIT_PER_CLIENT="",  # every generated request comes from this one address
            RATE_LIMIT_PER_CONVERSATION="",
            HANDOFF_WEBHOOK_URL="",  # generated handoffs never reach the shop's webhook
            WEBHOOK_SECRET="",
            LOG_LEVEL="WARNING",
        )
        runtime.reset()
        from scripts.devserver import build_app  # reads the settings above

        port = free_port()
        server = make_server("127.0.0.1", port, build_app(), threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        print(f"fuzzing http://127.0.0.1:{port} on database {name}, dropped afterwards", flush=True)
        try:
            return subprocess.call(
                [
                    str(Path(sys.executable).with_name("st")),
                    "run",
                    str(REPO_ROOT / "openapi.yaml"),
                    f"--url=http://127.0.0.1:{port}",
                    f"--checks={CHECKS}",
                    f"--max-examples={options.examples}",
                    f"--seed={options.seed}",
                    f"--header=Authorization: Bearer {token}",
                ]
            )
        finally:
            server.shutdown()
            runtime.reset()


if __name__ == "__main__":
    sys.exit(main())
