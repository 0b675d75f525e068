"""policies: the shop admin's function for policies and the FAQ bank.

``GET /`` lists (``?kind=policy|faq``), ``GET /<key>`` reads, ``PUT /<key>`` creates or
replaces, ``DELETE /<key>`` deletes. Every route needs ``Authorization: Bearer <ADMIN_TOKEN>``.
"""

from __future__ import annotations

import datetime as dt
import re

import flask
import functions_framework

from common import runtime
from common.auth import require_admin
from common.config import get_settings
from common.errors import InvalidRequest, method_not_allowed
from common.http import json_response, parse_json, serve, serve_unrouted_paths
from common.knowledge import store as knowledge
from common.logs import configure_logging
from common.schemas import KNOWLEDGE_KEY_PATTERN, KnowledgeBody
from common.services.analytics import usage_summary

_KEY = re.compile(KNOWLEDGE_KEY_PATTERN)

configure_logging()


@functions_framework.http
def policies(request: flask.Request) -> flask.Response:
    return serve(request, {"GET": read, "PUT": put, "DELETE": delete})


serve_unrouted_paths(policies)


def _require_admin(request: flask.Request) -> None:
    settings = get_settings()
    require_admin(
        request.headers.get("Authorization"),
        settings.admin_token.get_secret_value() if settings.admin_token else None,
    )


def _authorized_key(request: flask.Request, *, required: bool) -> str | None:
    _require_admin(request)
    key = request.path.strip("/") or None
    if key is None and required:
        raise method_not_allowed(
            f"{request.method} needs an entry key: /policies/<key>", allow="GET, OPTIONS"
        )
    if key is not None and not _KEY.fullmatch(key):
        raise InvalidRequest(
            "a key is 1-64 lowercase letters, digits or dashes, starting with a letter or digit",
            code="invalid_key",
        )
    return key


ANALYTICS_PATH = "/_analytics"


def read(request: flask.Request) -> flask.Response:
    if request.path.rstrip("/") == ANALYTICS_PATH:
        return analytics(request)
    key = _authorized_key(request, required=False)
    uow = runtime.unit_of_work()
    if key is not None:
        return json_response(knowledge.get_entry(uow=uow, key=key))
    kind = request.args.get("kind")
    if kind not in (None, "policy", "faq"):
        raise InvalidRequest("kind must be policy or faq", code="invalid_kind")
    return json_response(knowledge.list_entries(uow=uow, kind=kind))


def analytics(request: flask.Request) -> flask.Response:
    """``GET /policies/_analytics?hours=24``: usage, cost, latency and error rates."""
    _require_admin(request)
    raw = request.args.get("hours", "24")
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 24 * 90:
        raise InvalidRequest("hours must be a whole number from 1 to 2160", code="invalid_hours")
    until = dt.datetime.now(dt.UTC)
    since = until - dt.timedelta(hours=int(raw))
    return json_response(usage_summary(uow=runtime.unit_of_work(), since=since, until=until))


def put(request: flask.Request) -> flask.Response:
    key = _authorized_key(request, required=True)
    assert key is not None
    body = parse_json(request, KnowledgeBody, max_bytes=get_settings().max_request_bytes)
    entry, created = knowledge.put_entry(
        uow=runtime.unit_of_work(),
        key=key,
        title=body.title,
        content=body.content,
        kind=body.kind,
        embedder=runtime.embedder(),
    )
    return json_response(entry, 201 if created else 200)


def delete(request: flask.Request) -> flask.Response:
    key = _authorized_key(request, required=True)
    assert key is not None
    return json_response(knowledge.delete_entry(uow=runtime.unit_of_work(), key=key))
