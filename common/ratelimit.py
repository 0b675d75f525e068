"""Rate limits that hold across instances: the ``limits`` library over Postgres or Redis.

Postgres is the default store (one upsert per hit); with ``REDIS_URL`` set, Redis is used.
"""

from __future__ import annotations

import logging
import math
import random
import time

import sqlalchemy as sa
from limits import RateLimitItem, parse
from limits.storage import RedisStorage, Storage
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine

from common.errors import RateLimited

log = logging.getLogger(__name__)

_INCR = sa.text(
    """
    INSERT INTO rate_limits (key, hits, expires_at)
    VALUES (:key, :amount, now() + make_interval(secs => :expiry))
    ON CONFLICT (key) DO UPDATE SET
        hits = CASE WHEN rate_limits.expires_at <= now() THEN EXCLUDED.hits
                    ELSE rate_limits.hits + EXCLUDED.hits END,
        expires_at = CASE WHEN rate_limits.expires_at <= now() THEN EXCLUDED.expires_at
                          ELSE rate_limits.expires_at END
    RETURNING hits
    """
)
_LIVE_HITS = sa.text("SELECT hits FROM rate_limits WHERE key = :key AND expires_at > now()")
_LIVE_EXPIRY = sa.text(
    "SELECT extract(epoch FROM expires_at) FROM rate_limits WHERE key = :key AND expires_at > now()"
)


class PostgresStorage(Storage):
    """A ``limits`` storage backed by the ``rate_limits`` table (fixed windows)."""

    STORAGE_SCHEME = ["support-chat-postgres"]  # noqa: RUF012 (the limits library's registry reads it)

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self._engine = engine

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return sa_exc.SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        with self._engine.begin() as conn:
            hits = int(conn.execute(_INCR, {"key": key, "amount": amount, "expiry": expiry}).scalar_one())
            if random.random() < 0.001:
                # Now and then, forget windows that ended long ago.
                conn.execute(sa.text("DELETE FROM rate_limits WHERE expires_at < now() - interval '1 day'"))
        return hits

    def get(self, key: str) -> int:
        with self._engine.connect() as conn:
            return int(conn.execute(_LIVE_HITS, {"key": key}).scalar() or 0)

    def get_expiry(self, key: str) -> float:
        with self._engine.connect() as conn:
            expires = conn.execute(_LIVE_EXPIRY, {"key": key}).scalar()
        return float(expires) if expires is not None else time.time()

    def check(self) -> bool:
        with self._engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        return True

    def reset(self) -> int | None:
        with self._engine.begin() as conn:
            return int(getattr(conn.execute(sa.text("DELETE FROM rate_limits")), "rowcount", 0))

    def clear(self, key: str) -> None:
        with self._engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM rate_limits WHERE key = :key"), {"key": key})


class RateLimiter:
    """Named limits (e.g. ``client``: ``30/minute``) checked against a shared store."""

    def __init__(self, storage: Storage, limits: dict[str, str]) -> None:
        self._limiter = FixedWindowRateLimiter(storage)
        self._items: dict[str, RateLimitItem] = {name: parse(spec) for name, spec in limits.items() if spec}

    def hit(self, name: str, identifier: str) -> None:
        """Count one request; raise ``RateLimited`` (with Retry-After) once over the limit.

        If the store itself fails, the request is let through (and logged): a limit protects
        the service, it must not take it down.
        """
        item = self._items.get(name)
        if item is None:
            return
        try:
            if self._limiter.hit(item, name, identifier):
                return
            reset_at = self._limiter.get_window_stats(item, name, identifier).reset_time
        except Exception as exc:
            log.warning("rate limit store unavailable, request allowed: %s", exc)
            return
        raise RateLimited(
            f"too many messages; the limit is {item}",
            retry_after_seconds=max(1, math.ceil(reset_at - time.time())),
        )


def make_storage(*, redis_url: str | None, engine: Engine) -> Storage:
    if redis_url:
        return RedisStorage(redis_url)
    return PostgresStorage(engine)
