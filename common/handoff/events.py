"""``GET /history/events``: what happens in a conversation after the page loaded, as SSE.

Events are rows of ``conversation_events`` (ids increase), so a reconnect with
``Last-Event-ID`` resumes exactly after the last one the page saw, whichever instance wrote
what came since. The instance's listener wakes the stream at once; without it, it polls.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from common import sse
from common.handoff.listener import EventHub
from common.tokens import TokenKeys
from common.unit_of_work import UnitOfWorkFactory

# Without Last-Event-ID a page gets events of this last stretch too: a reply written between
# its history request and this one would otherwise be lost (the page ignores repeats by id).
CATCH_UP = dt.timedelta(seconds=30)
# While the listener is down, streams look this often.
POLL_WITHOUT_LISTENER_SECONDS = 1.0


@dataclass(frozen=True, kw_only=True)
class EventStream:
    uow: UnitOfWorkFactory
    hub: EventHub
    heartbeat_seconds: float
    poll_seconds: float
    # A stream ends after this long; the page reconnects with Last-Event-ID.
    max_seconds: float = 600.0


def parse_event_id(value: str | None) -> int | None:
    if value and value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    return None


def open_events(
    *,
    stream: EventStream,
    keys: TokenKeys,
    conversation_id: uuid.UUID,
    conversation_token: str | None,
    last_event_id: int | None,
) -> Iterator[str]:
    """Check the token (a wrong one is 404 before any byte is sent) and return the stream."""
    now = dt.datetime.now(dt.UTC)
    with stream.uow() as tx:
        keys.require(tx.conversations.get(conversation_id), conversation_token)
        after = last_event_id
        if after is None:
            after = tx.handoffs.newest_event_id(conversation_id, before=now - CATCH_UP)
        tx.handoffs.mark_seen(conversation_id, now)
    return _follow(stream, conversation_id, after)


def _follow(stream: EventStream, conversation_id: uuid.UUID, after: int) -> Iterator[str]:
    """Events as they come, and a ping on a quiet connection. The stream ends when the
    conversation is erased (its erasure wakes it; a heartbeat finds it too), so that the page
    reconnects, gets a 404 and lets it go."""
    started = last_sent = time.monotonic()
    woken = False
    with stream.hub.subscribe(conversation_id) as wake:
        yield sse.comment("ping")  # the response starts now, not with the first event
        while time.monotonic() - started < stream.max_seconds:
            wake.clear()
            with stream.uow() as tx:
                rows = [
                    (e.id, e.kind, e.data) for e in tx.handoffs.events_after(conversation_id, after_id=after)
                ]
                if woken and not rows and not tx.conversations.exists(conversation_id):
                    return
            for event_id, kind, data in rows:
                yield sse.event(kind, json.dumps(data, ensure_ascii=False), event_id=str(event_id))
                after, last_sent = event_id, time.monotonic()
            poll = stream.poll_seconds if stream.hub.listening else POLL_WITHOUT_LISTENER_SECONDS
            quiet = time.monotonic() - last_sent
            woken = wake.wait(max(0.0, min(poll, stream.heartbeat_seconds - quiet)))
            if stream.hub.stopped:
                return  # the instance stops: the page reconnects elsewhere (Last-Event-ID)
            if not woken and time.monotonic() - last_sent >= stream.heartbeat_seconds:
                yield sse.comment("ping")
                last_sent = time.monotonic()
                with stream.uow() as tx:
                    if not tx.conversations.exists(conversation_id):
                        return
                    tx.handoffs.mark_seen(conversation_id, dt.datetime.now(dt.UTC))
