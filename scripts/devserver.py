"""``make dev``: every function on one port, plus the chat page at ``/``.

Each function is built by functions-framework exactly as in production and mounted at its
name (``/chat_stream``, ``/history``, ``/policies``). With DATABASE_URL unset an embedded
Postgres starts, its data and its log kept in ``.data/pg``, and stops with the server
(Ctrl+C or SIGTERM); migrations are applied on start. A busy port is reported before
anything starts.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterable
from http import HTTPStatus
from typing import TYPE_CHECKING, NoReturn

import functions_framework
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.middleware.shared_data import SharedDataMiddleware
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from common import runtime
from common.config import REPO_ROOT, ConfigError, get_settings
from common.db import start_embedded_postgres
from common.logs import configure_logging
from common.migrate import DatabaseNotUsable, migrate, shown_url
from scripts.local import function_names

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

WEB_DIR = REPO_ROOT / "web"
OPENAPI = REPO_ROOT / "openapi.yaml"


# Errors the HTTP server answers itself, before any function sees the request.
_SERVER_ERROR_CODES = {
    HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE: "headers_too_large",
    HTTPStatus.REQUEST_URI_TOO_LONG: "uri_too_long",
}


class JsonErrorRequestHandler(WSGIRequestHandler):
    """werkzeug's handler, but the errors it answers itself (a header line over 64 KB or more
    than 100 headers: 431) keep the JSON error contract instead of an HTML page."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        status = HTTPStatus(code)
        error = {"code": _SERVER_ERROR_CODES.get(status, "bad_request"), "message": message or status.phrase}
        body = json.dumps({"error": error}).encode()
        self.close_connection = True
        self.send_response(code, status.phrase)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and code >= 200 and code not in (204, 304):
            self.wfile.write(body)


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
        # Errors are JSON everywhere, also for a static file that is not there.
        missing = {"error": {"code": "not_found", "message": f"no such file: {request.path[:80]}"}}
        return Response(json.dumps(missing), status=404, mimetype="application/json")

    root = SharedDataMiddleware(fallback, {"/": str(WEB_DIR)}, cache=False)
    return DispatcherMiddleware(_read_only(root), mounts)


def _read_only(app: WSGIApplication) -> WSGIApplication:
    """The pages are files to read: another method is a 405, as on the functions."""

    def files(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        if method in ("GET", "HEAD"):
            return app(environ, start_response)
        message = f"{method} is not allowed here; the pages take GET and HEAD"
        refused = {"error": {"code": "method_not_allowed", "message": message}}
        return Response(
            json.dumps(refused), status=405, mimetype="application/json", headers={"Allow": "GET, HEAD"}
        )(environ, start_response)

    return files


def port_is_free(host: str, port: int) -> bool:
    """Whether the server can listen on ``host:port``: bound as it binds (``SO_REUSEADDR``), so
    the closed connections of a server stopped a moment ago (TIME-WAIT) do not count."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _stop_with_make(server: BaseWSGIServer) -> None:
    """Under `make dev`, stop when make stops: `kill <make's pid>` (a supervisor, a script's
    `kill $!`) signals make alone, not the server it runs, which would go on holding the port
    (and the embedded Postgres). The Makefile execs the server, so make is its parent."""
    if "MAKELEVEL" not in os.environ:
        return
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        server.shutdown()  # as Ctrl+C: serve_forever returns, then everything stops in order

    threading.Thread(target=watch, name="stop-with-make", daemon=True).start()


def _stop_on_sigterm(_signum: int, _frame: object) -> NoReturn:
    # Leave like Ctrl+C does, so exit handlers stop the embedded Postgres. Once: a group's stop
    # signal comes again from make passing it on, and must not cut those handlers short.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


def main() -> None:
    # People read this terminal: plain lines unless LOG_FORMAT=json is asked for.
    os.environ.setdefault("LOG_FORMAT", "text")
    configure_logging()
    # The banner says what matters; each request has its own log line from the functions.
    for chatty in ("alembic", "werkzeug"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    port = _port(os.environ.get("PORT", "8080"))
    host = os.environ.get("HOST", "127.0.0.1")
    if not port_is_free(host, port):
        sys.exit(f"Port {port} on {host} is in use: stop what runs there, or use PORT=<another> make dev.")
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    server: BaseWSGIServer | None = None
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C or SIGTERM, also while starting
        try:
            server = _start(host, port)
        except (ConfigError, DatabaseNotUsable) as exc:
            # A deployed function answers 503 not_configured; here, say so before serving.
            sys.exit(f"Not started: {exc}")
        _stop_with_make(server)
        server.serve_forever()
    _quiet_the_streams_left(server)
    print("Stopped.", flush=True)


def _port(raw: str) -> int:
    """``PORT`` as a TCP port, or one line saying what is wrong with it (no traceback)."""
    port = int(raw) if raw.strip().isdecimal() and raw.strip().isascii() else 0
    if not 1 <= port <= 65535:
        sys.exit(f"Not started: PORT must be a port number from 1 to 65535, not {raw!r}.")
    return port


def _quiet_the_streams_left(server: BaseWSGIServer | None) -> None:
    """Streams still open end with the process: what their threads run into while the embedded
    Postgres stops under them is not news. Only they are quieted: pgserver still logs to its
    file, and an exit handler that fails still says so on stderr."""
    for handler in logging.getLogger().handlers:
        handler.addFilter(lambda _record: False)
    threading.excepthook = lambda _args: None
    if server is not None:
        server.handle_error = lambda _request, _address: None  # type: ignore[method-assign]


def _start(host: str, port: int) -> BaseWSGIServer:
    """Start (or reuse) the database, migrate, print the banner; the server, ready to serve."""
    settings = get_settings()
    if settings.database_url:
        url, where = settings.database_url, f"{shown_url(settings.database_url)} (DATABASE_URL)"
    else:
        url = start_embedded_postgres(settings.data_dir, stop_at_exit=True)
        pgdata = settings.data_dir / "pg"
        where = (
            f"embedded Postgres in {pgdata} (logs: {pgdata / 'log'}, {settings.data_dir / 'pgserver.log'})"
        )
    # The functions read DATABASE_URL themselves; share the embedded server's URL with them.
    os.environ["DATABASE_URL"] = url
    runtime.reset()
    migrate(url)
    runtime.lease_sweeper()  # resolve answers left streaming by an earlier run, with no traffic
    if settings.model_configured:
        model = f"Gemini model {settings.gemini_model}"
        if settings.gemini_base_url:
            model += f" at {settings.gemini_base_url}"
    else:
        model = "no GEMINI_API_KEY: answers come from the shop's knowledge base"
    base = f"http://{host}:{port}"
    functions = "  ".join(f"{base}/{name}" for name in function_names())
    sign_in = "sign in with ADMIN_TOKEN"
    if settings.admin_token is None:
        sign_in = "sign in with a token from make staff-token, or start with ADMIN_TOKEN=<secret>"
    print(
        f"Support chat on {base}/ (staff console: {base}/admin/, {sign_in})\n"
        f"Functions: {functions}\nDatabase: {where}; model: {model}",
        flush=True,
    )
    return make_server(host, port, build_app(), threaded=True, request_handler=JsonErrorRequestHandler)


if __name__ == "__main__":
    main()
