"""Webhook notifications through an outbox: written in the same transaction as the change,
delivered afterwards with retries and backoff, at least once, each with a stable event id.

The receiver deduplicates by ``X-Webhook-Id``; the body is signed with ``WEBHOOK_SECRET``:
``X-Webhook-Signature: sha256=<hex HMAC-SHA256 of "<X-Webhook-Timestamp>.<body>">``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import random
import threading
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any

from common.models import OutboxEvent
from common.unit_of_work import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

# A delivery attempt owns its event this long; after that another instance may retry it.
LEASE = dt.timedelta(seconds=60)
BATCH = 20
LONGEST_BACKOFF_SECONDS = 3600.0


def record(tx: UnitOfWork, *, enabled: bool, kind: str, conversation_id: uuid.UUID, **details: Any) -> None:
    """Queue a notification about a conversation in the caller's transaction (nothing when no
    webhook is configured)."""
    if enabled:
        tx.outbox.add(kind, {"conversation_id": str(conversation_id), **details})


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


@dataclass(frozen=True, kw_only=True)
class Webhook:
    url: str
    secret: bytes
    max_attempts: int
    backoff_seconds: float
    timeout_seconds: float = 10.0
    # The staff console's address: each event links to its conversation there (``link``).
    console_url: str | None = None

    def backoff(self, attempts: int) -> dt.timedelta:
        """Exponential, with jitter so retries of many events do not arrive together."""
        seconds = min(self.backoff_seconds * 2 ** (attempts - 1), LONGEST_BACKOFF_SECONDS)
        return dt.timedelta(seconds=seconds * random.uniform(0.8, 1.2))

    def link(self, conversation_id: object) -> dict[str, str]:
        """``console_url``: the conversation in the console's Inbox (a link a Slack or email
        relay can pass on), when the console's address is known."""
        if not self.console_url or not isinstance(conversation_id, str):
            return {}
        return {"console_url": f"{self.console_url}#inbox/{conversation_id}"}

    def post(self, event: OutboxEvent) -> None:
        """Raises on anything but a 2xx answer."""
        body = json.dumps(
            {
                "id": str(event.id),
                "kind": event.kind,
                "created_at": event.created_at.isoformat(),
                "data": event.payload,
                **self.link(event.payload.get("conversation_id")),
            },
            separators=(",", ":"),
        ).encode()
        timestamp = str(int(dt.datetime.now(dt.UTC).timestamp()))
        request = urllib.request.Request(  # noqa: S310 (the URL is the operator's setting)
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "X-Webhook-Id": str(event.id),
                "X-Webhook-Timestamp": timestamp,
                "X-Webhook-Signature": sign(self.secret, timestamp, body),
            },
        )
        with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:  # noqa: S310
            response.read()


def deliver_due(*, uow: UnitOfWorkFactory, webhook: Webhook) -> dt.datetime | None:
    """Deliver every event that is due; returns when the next undelivered one is due."""
    while True:
        now = dt.datetime.now(dt.UTC)
        with uow() as tx:
            leased = tx.outbox.lease_due(now=now, lease=LEASE, limit=BATCH)
        for event in leased:
            _attempt(uow, webhook, event)
        if len(leased) < BATCH:
            break
    with uow() as tx:
        return tx.outbox.next_due()


def _attempt(uow: UnitOfWorkFactory, webhook: Webhook, event: OutboxEvent) -> None:
    try:
        webhook.post(event)
    except (OSError, urllib.error.URLError, ValueError) as exc:
        give_up = event.attempts >= webhook.max_attempts
        log.warning("webhook delivery of %s failed (attempt %d): %s", event.id, event.attempts, exc)
        retry_at = None if give_up else dt.datetime.now(dt.UTC) + webhook.backoff(event.attempts)
        with uow() as tx:
            tx.outbox.failed(event.id, error=str(exc), retry_at=retry_at)
        return
    with uow() as tx:
        tx.outbox.delivered(event.id, dt.datetime.now(dt.UTC))


class WebhookRelay:
    """A thread per instance that delivers the outbox: woken after a commit, and by its own
    timer for retries. Cloud Run gives it CPU while requests run; every instance helps."""

    def __init__(self, *, uow: UnitOfWorkFactory, webhook: Webhook, idle_seconds: float = 30.0) -> None:
        self._uow = uow
        self._webhook = webhook
        self._idle = idle_seconds
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stopped = False

    def kick(self) -> None:
        with self._lock:
            if self._thread is None and not self._stopped:
                self._thread = threading.Thread(target=self._run, name="webhook-relay", daemon=True)
                self._thread.start()
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        """End the thread after its current delivery (the instance is replaced or stopping);
        undelivered events stay in the outbox for another instance."""
        with self._lock:
            self._stopped = True
            thread = self._thread
        self._wake.set()
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        while not self._stopped:
            self._wake.clear()
            try:
                next_due = deliver_due(uow=self._uow, webhook=self._webhook)
            except Exception:
                log.exception("webhook relay failed; trying again later")
                next_due = None
            wait = self._idle
            if next_due is not None:
                wait = max(0.05, min(wait, (next_due - dt.datetime.now(dt.UTC)).total_seconds()))
            self._wake.wait(wait)
