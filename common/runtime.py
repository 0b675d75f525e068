"""Per-instance singletons, built lazily on first use so a cold start stays cheap.

Handlers take their dependencies from here; services receive them as arguments.
"""

from __future__ import annotations

import functools
import threading

from sqlalchemy.engine import Engine

from common.checkpoints import Checkpointer
from common.config import get_settings
from common.db import UnitOfWork, create_db_engine, make_unit_of_work, start_embedded_postgres
from common.knowledge import Knowledge
from common.knowledge_cache import KnowledgeCache
from common.llm import LLMClient
from common.ratelimit import RateLimiter, make_storage
from common.relay import RelayRegistry
from common.services.chat import AnswerSettings
from common.services.knowledge import load_knowledge

_lock = threading.Lock()


@functools.cache
def database_url() -> str:
    """DATABASE_URL, or an embedded local Postgres when it is unset (development only)."""
    settings = get_settings()
    if settings.database_url:
        return settings.database_url
    with _lock:
        return start_embedded_postgres(settings.data_dir)


@functools.cache
def engine() -> Engine:
    pool_size, max_overflow = get_settings().db_pool
    return create_db_engine(database_url(), pool_size=pool_size, max_overflow=max_overflow)


@functools.cache
def unit_of_work() -> UnitOfWork:
    return make_unit_of_work(engine())


@functools.cache
def llm_client() -> LLMClient | None:
    """The Gemini client, or None when no API key is configured."""
    settings = get_settings()
    if settings.gemini_api_key is None:
        return None
    from common.gemini import GeminiClient

    return GeminiClient.from_settings(settings)


@functools.cache
def knowledge_cache() -> KnowledgeCache:
    return KnowledgeCache(
        lambda: load_knowledge(uow=unit_of_work()),
        ttl_seconds=get_settings().policy_cache_ttl_seconds,
    )


def knowledge() -> Knowledge:
    """The shop's knowledge, from this instance's cache."""
    return knowledge_cache().get()


def fallback(knowledge: Knowledge) -> LLMClient | None:
    """What answers when the model fails before its first token, if enabled."""
    if not get_settings().knowledge_fallback:
        return None
    from common.knowledge_answerer import KnowledgeAnswerer

    return KnowledgeAnswerer(knowledge)


def token_secret() -> str | None:
    secret = get_settings().conversation_token_secret
    return secret.get_secret_value() if secret else None


@functools.cache
def answer_settings() -> AnswerSettings:
    settings = get_settings()
    return AnswerSettings(
        checkpoint_interval_seconds=settings.checkpoint_interval_seconds,
        deadline_seconds=settings.answer_deadline_seconds,
        # Silence before the first token: every attempt's read timeout plus the backoff between.
        quiet_limit_seconds=settings.gemini_retry_attempts * (settings.gemini_read_timeout_seconds + 4.0)
        + 15.0,
        prices={
            model: (p.input_per_million, p.output_per_million) for model, p in settings.model_prices.items()
        },
    )


@functools.cache
def rate_limiter() -> RateLimiter:
    settings = get_settings()
    return RateLimiter(
        make_storage(redis_url=settings.redis_url, engine=engine()),
        {"client": settings.rate_limit_per_client, "conversation": settings.rate_limit_per_conversation},
    )


@functools.cache
def checkpointer() -> Checkpointer:
    return Checkpointer(unit_of_work())


@functools.cache
def relays() -> RelayRegistry:
    return RelayRegistry()


def reset() -> None:
    """Forget every singleton (tests use this to start a fresh 'instance')."""
    for cached in (
        database_url,
        engine,
        unit_of_work,
        llm_client,
        relays,
        answer_settings,
        knowledge_cache,
        rate_limiter,
        checkpointer,
    ):
        cached.cache_clear()
    get_settings.cache_clear()
