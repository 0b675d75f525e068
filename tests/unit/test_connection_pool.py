"""An instance's Postgres pool follows its concurrency, so the deploy can budget connections."""

from __future__ import annotations

import pytest

from common import runtime
from common.config import Settings


def _settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    for name in ("THREADS", "DB_POOL_SIZE", "DB_MAX_OVERFLOW"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings()


def test_every_thread_can_hold_a_connection_half_of_them_kept_open(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _settings(monkeypatch, THREADS="16").db_pool == (8, 8)
    assert _settings(monkeypatch, THREADS="5").db_pool == (3, 2)
    assert _settings(monkeypatch, THREADS="1").db_pool == (1, 0)


def test_explicit_pool_settings_win_over_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _settings(monkeypatch, THREADS="16", DB_POOL_SIZE="2", DB_MAX_OVERFLOW="3")
    assert settings.db_pool == (2, 3)
    assert _settings(monkeypatch, THREADS="16", DB_MAX_OVERFLOW="0").db_pool == (8, 0)


def test_without_a_thread_bound_the_pool_is_ten_plus_ten(monkeypatch: pytest.MonkeyPatch) -> None:
    # The dev server has no THREADS; it keeps the pool it always had.
    assert _settings(monkeypatch).db_pool == (10, 10)


def test_the_engine_is_built_with_the_instance_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db.invalid:5432/x")
    monkeypatch.setenv("THREADS", "6")
    monkeypatch.setenv("DB_POOL_SIZE", "2")
    monkeypatch.setenv("DB_MAX_OVERFLOW", "1")
    runtime.reset()
    try:
        pool = runtime.engine().pool
        assert (pool.size(), pool._max_overflow) == (2, 1)  # type: ignore[attr-defined]
    finally:
        runtime.reset()
