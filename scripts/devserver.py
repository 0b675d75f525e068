"""``make dev``: every function on one port, plus the chat page at ``/``.

Each function is built by functions-framework exactly as in production and mounted at its
name (``/chat_stream``, ``/history``, ``/policies``). With DATABASE_URL unset an embedded
Postgres starts, its data kept in ``.data/pg``; migrations are applied on start.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

import functions_framework
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.middleware.shared_data import SharedDataMiddleware
from werkzeug.serving import run_simple
from werkzeug.wrappers import Request, Response

from common import runtime
from common.config import REPO_ROOT, get_settings
from common.logs import configure_logging
from common.migrate import upgrade_to_head
from scripts.local import function_names

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

WEB_DIR = REPO_ROOT / "web"
OPENAPI = REPO_ROOT / "openapi.yaml"


def _at_root(app: WSGIApplication) -> WSGIApplication:
    """Serve ``/chat_stream`` itself (not only ``/chat_stream/``) as the function's root."""

    def mounted(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        environ["PATH_INFO"] = environ.get("PATH_INFO") or "/"
        return app(environ, start_response)

    return mounted


def build_app() -> DispatcherMiddleware:
    """The combined WSGI app: the page at ``/`` and each function at ``/<name>``."""
    mounts = {
        f"/{name}": _at_root(
            functions_framework.create_app(name, str(REPO_ROOT / "functions" / name / "main.py"))
        )
        for name in function_names()
    }

    @Request.application
    def fallback(request: Request) -> Response:
        if request.path == "/openapi.yaml":
            return Response(OPENAPI.read_bytes(), mimetype="application/yaml")
        if request.path == "/":
            index = WEB_DIR / "index.html"
            if index.exists():
                return Response(
                    index.read_bytes(), mimetype="text/html", headers={"Cache-Control": "no-cache"}
                )
            return Response(
                "The chat page is missing. The API is at /chat_stream, /history and /policies.\n",
                mimetype="text/plain",
            )
        # A folder's index page (the console at /admin/), which SharedDataMiddleware does not serve.
        folder = (WEB_DIR / request.path.strip("/")).resolve()
        if folder.is_relative_to(WEB_DIR) and (folder / "index.html").is_file():
            if not request.path.endswith("/"):
                return Response(status=308, headers={"Location": request.path + "/"})
            page = (folder / "index.html").read_bytes()
            return Response(page, mimetype="text/html", headers={"Cache-Control": "no-cache"})
        return Response("Not found\n", status=404, mimetype="text/plain")

    root = SharedDataMiddleware(fallback, {"/": str(WEB_DIR)}, cache=False)
    return DispatcherMiddleware(root, mounts)


def main() -> None:
    # People read this terminal: plain lines unless LOG_FORMAT=json is asked for.
    os.environ.setdefault("LOG_FORMAT", "text")
    configure_logging()
    settings = get_settings()
    url = runtime.database_url()
    # The functions read DATABASE_URL themselves; share the embedded server's URL with them.
    os.environ["DATABASE_URL"] = url
    upgrade_to_head(url)
    port = int(os.environ.get("PORT", "8080"))
    host = os.environ.get("HOST", "127.0.0.1")
    where = "DATABASE_URL" if settings.database_url else f"embedded Postgres in {settings.data_dir / 'pg'}"
    if settings.model_configured:
        model = f"Gemini model {settings.gemini_model}"
        if settings.gemini_base_url:
            model += f" at {settings.gemini_base_url}"
    else:
        model = "no GEMINI_API_KEY: answers come from the shop's knowledge base"
    print(f"\n  Support chat on http://{host}:{port}/\n  database: {where}\n  model: {model}\n", flush=True)
    run_simple(host, port, build_app(), threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()
