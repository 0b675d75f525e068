"""Structured logs in Cloud Logging's JSON format, one line per request.

Each line is a JSON object on stdout with ``severity``, ``message``, the request's trace
(``logging.googleapis.com/trace``) and labels (conversation and message ids). The request
line carries ``httpRequest`` plus the answer's figures (time to first token, tokens, finish
reason, model). Message text, conversation tokens and credentials are never logged.
"""

from __future__ import annotations

import contextvars
import logging
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from pythonjsonlogger.json import JsonFormatter

from common.config import ConfigError, get_settings

log = logging.getLogger("support_chat.request")

TRACE_FIELD = "logging.googleapis.com/trace"
SPAN_FIELD = "logging.googleapis.com/spanId"
LABELS_FIELD = "logging.googleapis.com/labels"


@dataclass
class RequestLog:
    """What is known about the current request; filled in as it is served."""

    function: str
    method: str
    url: str
    trace: str | None = None
    span: str | None = None
    remote_ip: str | None = None
    user_agent: str | None = None
    started: float = field(default_factory=time.monotonic)
    labels: dict[str, str] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)


_current: contextvars.ContextVar[RequestLog | None] = contextvars.ContextVar("request_log", default=None)


def parse_trace(
    cloud_trace_context: str | None, traceparent: str | None, project: str | None
) -> tuple[str | None, str | None]:
    """The trace resource name and span id from ``X-Cloud-Trace-Context`` or ``traceparent``."""
    trace_id = span_id = None
    if cloud_trace_context:
        # TRACE_ID/SPAN_ID;o=OPTIONS
        trace_id, _, rest = cloud_trace_context.partition("/")
        span_id = rest.split(";", 1)[0] or None
    elif traceparent:
        # 00-TRACE_ID-SPAN_ID-FLAGS (W3C)
        parts = traceparent.split("-")
        if len(parts) == 4 and len(parts[1]) == 32:
            trace_id, span_id = parts[1], parts[2]
    if not trace_id or not trace_id.isalnum():
        return None, None
    return (f"projects/{project}/traces/{trace_id}" if project else trace_id), span_id


def begin(entry: RequestLog) -> contextvars.Token[RequestLog | None]:
    return _current.set(entry)


def end(token: contextvars.Token[RequestLog | None]) -> None:
    _current.reset(token)


def current() -> RequestLog | None:
    return _current.get()


def label(**labels: object) -> None:
    """Attach ids to every line of the current request (and its background work)."""
    entry = _current.get()
    if entry is not None:
        entry.labels.update({k: str(v) for k, v in labels.items() if v is not None})


def annotate(**fields: object) -> None:
    """Add figures to the current request's line."""
    entry = _current.get()
    if entry is not None:
        entry.fields.update(fields)


def write_request_line(entry: RequestLog, status: int) -> None:
    latency = time.monotonic() - entry.started
    http_request = {
        "requestMethod": entry.method,
        "requestUrl": entry.url,
        "status": status,
        "latency": f"{latency:.6f}s",
        "remoteIp": entry.remote_ip,
        "userAgent": entry.user_agent,
    }
    severity = logging.ERROR if status >= 500 else logging.WARNING if status >= 400 else logging.INFO
    path = entry.url.partition("?")[0].rstrip("/")  # the route, not its query's ids
    if len(path) > 80:  # as the 404 body cuts it: a crafted path does not fill the log
        path = path[:80] + "…"
    log.log(
        severity,
        f"{entry.method} /{entry.function}{path} {status}",
        # A copy: the generation thread may still be adding figures.
        extra={"httpRequest": {k: v for k, v in http_request.items() if v is not None}, **dict(entry.fields)},
    )


class CloudLoggingFormatter(JsonFormatter):
    """Cloud Logging's structured JSON: severity, message, trace, labels, extra fields."""

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        log_data["severity"] = record.levelname
        log_data["logger"] = record.name
        entry = _current.get()
        if entry is not None:
            if entry.trace:
                log_data[TRACE_FIELD] = entry.trace
            if entry.span:
                log_data[SPAN_FIELD] = entry.span
            log_data[LABELS_FIELD] = {"function": entry.function, **entry.labels}


def configure_logging() -> None:
    """JSON lines on stdout (``LOG_FORMAT=text`` for people reading a terminal). Idempotent."""
    root = logging.getLogger()
    if any(getattr(h, "_support_chat", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stdout)
    handler._support_chat = True  # type: ignore[attr-defined]
    try:
        settings = get_settings()
        log_format, level = settings.log_format, settings.log_level
    except ConfigError:
        # The request handlers report the configuration problem; logging still works.
        log_format, level = "json", "INFO"
    if log_format == "text":
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    else:
        handler.setFormatter(CloudLoggingFormatter(timestamp="time"))
    root.addHandler(handler)
    root.setLevel(level)
    # Per-call chatter of the HTTP client and the SDK; our request line says what matters.
    for noisy in ("httpx2", "httpcore2", "google_genai"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
