"""Per-instance singletons, built lazily on first use so a cold start stays cheap.

This is where the chat is wired, once per instance: handlers take a ready service from here,
and services receive what they need as arguments.
"""

from __future__ import annotations

import atexit
import functools
import threading

from sqlalchemy.engine import Engine

from common.auth import IapVerifier
from common.chat.checkpoints import Checkpointer
from common.chat.generation import AnswerWriter
from common.chat.leases import LeaseSweeper
from common.chat.relay import RelayRegistry
from common.chat.service import ChatService
from common.chat.settings import ChatSettings
from common.config import get_settings
from common.console.staff import SignIn
from common.db import connect_native, create_db_engine, start_embedded_postgres
from common.handoff.events import EventStream
from common.handoff.gate import HandoffGate
from common.handoff.listener import EventHub
from common.handoff.outbox import Webhook, WebhookRelay
from common.handoff.requests import HandoffSettings
from common.handoff.schedule import SupportSchedule
from common.knowledge.cache import KnowledgeCache
from common.knowledge.entries import Knowledge
from common.knowledge.search.hybrid import exceeds_budget
from common.knowledge.search.retrieval import knowledge_index
from common.knowledge.store import EmbeddingBackfill, load_knowledge
from common.llm import AnswerSource, Embedder, LLMClient
from common.ratelimit import RateLimiter, make_storage
from common.repositories.progress import ProgressConnection
from common.tokens import TokenKeys
from common.unit_of_work import UnitOfWorkFactory, make_unit_of_work
from common.workers import worker_stopping

_lock = threading.Lock()


@functools.cache
def database_url() -> str:
    """DATABASE_URL, or an embedded local Postgres when it is unset (development only): it
    stops when the last process using it exits (``make staff-token`` while ``make dev`` runs
    leaves it running; on its own it does not leave a server behind)."""
    settings = get_settings()
    if settings.database_url:
        return settings.database_url
    with _lock:
        return start_embedded_postgres(settings.data_dir, stop_at_exit=True)


@functools.cache
def engine() -> Engine:
    pool_size, max_overflow = get_settings().db_pool
    return create_db_engine(database_url(), pool_size=pool_size, max_overflow=max_overflow)


@functools.cache
def unit_of_work() -> UnitOfWorkFactory:
    return make_unit_of_work(engine())


@functools.cache
def llm_client() -> LLMClient | None:
    """The Gemini client, or None when no API key is configured."""
    settings = get_settings()
    if settings.gemini_api_key is None:
        return None
    from common.gemini import GeminiClient

    return GeminiClient.from_settings(settings)


def embedder() -> Embedder | None:
    """What embeds knowledge entries and questions (the Gemini client), or None without a key."""
    client = llm_client()
    return client if isinstance(client, Embedder) else None


def answer_mode() -> AnswerSource:
    """How new questions are answered on this instance: by the model, or from the knowledge base."""
    return "model" if get_settings().model_configured else "knowledge"


@functools.cache
def knowledge_cache() -> KnowledgeCache:
    return KnowledgeCache(_load_knowledge, ttl_seconds=get_settings().policy_cache_ttl_seconds)


def _load_knowledge() -> Knowledge:
    knowledge = load_knowledge(uow=unit_of_work(), embedder=embedder())
    backfill = embedding_backfill()
    if backfill is not None:
        backfill.after_load(knowledge)
    if llm_client() is None or exceeds_budget(knowledge, get_settings().knowledge_token_budget):
        # Build the retrieval index here (refreshes run in the background), not on a question.
        knowledge_index(knowledge)
    return knowledge


@functools.cache
def embedding_backfill() -> EmbeddingBackfill | None:
    model = embedder()
    if model is None:
        return None
    budget = get_settings().knowledge_token_budget
    return EmbeddingBackfill(uow=unit_of_work(), embedder=model, token_budget=budget)


def knowledge() -> Knowledge:
    """The shop's knowledge, from this instance's cache."""
    return knowledge_cache().get()


@functools.cache
def staff_sign_in() -> SignIn:
    """How staff sign in on this instance: the bootstrap ADMIN_TOKEN and, behind IAP, its verifier."""
    settings = get_settings()
    verifier = None
    if settings.iap_audience:
        verifier = IapVerifier(audience=settings.iap_audience, certs_url=settings.iap_certs_url)
    admin = settings.admin_token.get_secret_value() if settings.admin_token else None
    return SignIn(admin_token=admin, iap=verifier)


@functools.cache
def token_keys() -> TokenKeys:
    secret = get_settings().conversation_token_secret
    return TokenKeys(secret.get_secret_value() if secret else None)


@functools.cache
def chat_settings() -> ChatSettings:
    return ChatSettings.from_settings(get_settings())


@functools.cache
def rate_limiter() -> RateLimiter:
    settings = get_settings()
    return RateLimiter(
        make_storage(redis_url=settings.redis_url, engine=engine()),
        {"client": settings.rate_limit_per_client, "conversation": settings.rate_limit_per_conversation},
    )


@functools.cache
def checkpointer() -> Checkpointer:
    settings = chat_settings()
    writer = Checkpointer(
        ProgressConnection(engine()),
        lease_seconds=settings.lease_seconds,
        renew_seconds=settings.lease_renew_seconds,
    )
    # When the instance stops (a worker exiting, Ctrl+C on `make dev`), the answers it still
    # writes are let go of at once. Registered after the engine's (embedded Postgres) exit
    # handler, so it runs before it.
    atexit.register(writer.let_go)
    return writer


@functools.cache
def lease_sweeper() -> LeaseSweeper:
    """The instance's sweep for answers whose writer died; started with the chat service."""
    return LeaseSweeper(
        unit_of_work(), interval_seconds=chat_settings().lease_sweep_seconds, own=checkpointer().holding
    ).start()


@functools.cache
def relays() -> RelayRegistry:
    return RelayRegistry()


@functools.cache
def chat_service() -> ChatService:
    writer = AnswerWriter(
        uow=unit_of_work(), relays=relays(), checkpoints=checkpointer(), settings=chat_settings()
    )
    lease_sweeper()
    return ChatService(
        uow=unit_of_work(),
        writer=writer,
        model=llm_client(),
        knowledge=knowledge,
        keys=token_keys(),
        settings=chat_settings(),
        handoff=HandoffGate(uow=unit_of_work(), settings=handoff_settings(), knowledge=knowledge),
    )


@functools.cache
def webhook_relay() -> WebhookRelay | None:
    """Delivers the outbox to HANDOFF_WEBHOOK_URL; None when no webhook is configured."""
    settings = get_settings()
    if not settings.handoff_webhook_url:
        return None
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    webhook = Webhook(
        url=settings.handoff_webhook_url,
        secret=secret.encode(),
        max_attempts=settings.webhook_max_attempts,
        backoff_seconds=settings.webhook_backoff_seconds,
        console_url=settings.console_url,
    )
    return WebhookRelay(uow=unit_of_work(), webhook=webhook)


@functools.cache
def handoff_settings() -> HandoffSettings:
    settings = get_settings()
    relay = webhook_relay()
    return HandoffSettings(
        schedule=SupportSchedule.parse(settings.support_hours, settings.support_timezone),
        webhook=relay is not None,
        kick_outbox=relay.kick if relay is not None else lambda: None,
    )


@functools.cache
def event_hub() -> EventHub:
    """This instance's LISTEN connection (opened when the first page follows a conversation)."""
    url = database_url()
    return EventHub(lambda: connect_native(url), stopping=worker_stopping())


@functools.cache
def event_stream() -> EventStream:
    settings = get_settings()
    return EventStream(
        uow=unit_of_work(),
        hub=event_hub(),
        heartbeat_seconds=settings.heartbeat_seconds,
        poll_seconds=settings.events_poll_seconds,
    )


def reset() -> None:
    """Forget every singleton (tests use this to start a fresh 'instance')."""
    if event_hub.cache_info().currsize:
        event_hub().close()
    if lease_sweeper.cache_info().currsize:
        lease_sweeper().stop()
    if webhook_relay.cache_info().currsize and (relay := webhook_relay()) is not None:
        relay.stop()
    if checkpointer.cache_info().currsize:
        atexit.unregister(checkpointer().let_go)
        checkpointer().stop()  # its writer keeps a connection while it has work
    if engine.cache_info().currsize:
        # Background writers of the old 'instance' may outlive it: close its idle connections.
        engine().dispose()
    for cached in (
        database_url,
        engine,
        unit_of_work,
        llm_client,
        relays,
        chat_settings,
        knowledge_cache,
        embedding_backfill,
        rate_limiter,
        checkpointer,
        lease_sweeper,
        token_keys,
        chat_service,
        staff_sign_in,
        webhook_relay,
        handoff_settings,
        event_hub,
        event_stream,
    ):
        cached.cache_clear()
    get_settings.cache_clear()
