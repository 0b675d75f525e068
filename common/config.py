"""One settings object, read from the environment once per instance."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


# What a browser sends as its Origin: "https://shop.example", "http://localhost:8080".
_ORIGIN = re.compile(r"https?://[^/\s?#,]+")


def _as_sent(origin: str) -> str:
    """An allowed origin as a browser sends its Origin: lower case, no default port, no slash."""
    origin = origin.strip().rstrip("/").lower()
    for scheme, port in (("https://", ":443"), ("http://", ":80")):
        if origin.startswith(scheme) and origin.endswith(port):
            return origin.removesuffix(port)
    return origin


class ConfigError(RuntimeError):
    """The environment does not describe a usable configuration."""


class ModelPrice(BaseModel):
    """USD per million tokens."""

    input_per_million: float = Field(ge=0)
    output_per_million: float = Field(ge=0)


# Published list prices (USD per million tokens, standard tier) when this was written;
# override with MODEL_PRICES='{"model": {"input_per_million": .., "output_per_million": ..}}'.
DEFAULT_PRICES = {
    "gemini-2.5-flash": ModelPrice(input_per_million=0.30, output_per_million=2.50),
    "gemini-2.5-flash-lite": ModelPrice(input_per_million=0.10, output_per_million=0.40),
    "gemini-2.5-pro": ModelPrice(input_per_million=1.25, output_per_million=10.0),
    "gemini-2.0-flash": ModelPrice(input_per_million=0.10, output_per_million=0.40),
}


class Settings(BaseSettings):
    """Everything the functions read from the environment (see README, Configuration)."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    database_url: str | None = None
    data_dir: Path = REPO_ROOT / ".data"

    gemini_api_key: SecretStr | None = None
    gemini_model: str = "gemini-2.5-flash"
    gemini_base_url: str | None = None
    gemini_read_timeout_seconds: float = Field(default=30.0, gt=0)
    gemini_retry_attempts: int = Field(default=3, ge=1, le=10)
    gemini_max_output_tokens: int = Field(default=1024, ge=1)
    gemini_embedding_model: str = "gemini-embedding-001"
    embedding_dimensions: int = Field(default=768, ge=8, le=3072)
    answer_deadline_seconds: float = Field(default=300.0, gt=0)
    model_prices: dict[str, ModelPrice] = Field(default_factory=lambda: dict(DEFAULT_PRICES))

    admin_token: SecretStr | None = None
    # Cloud IAP in front of the policies function: the audience of its signed header
    # (unset: IAP assertions are not accepted) and where its public keys are published.
    iap_audience: str | None = None
    iap_certs_url: str = "https://www.gstatic.com/iap/verify/public_key"
    # Conversations older than this many days are deleted by the retention job (unset: kept).
    retention_days: int | None = Field(default=None, ge=1)
    conversation_token_secret: SecretStr | None = None
    allowed_origins: str = ""

    policy_cache_ttl_seconds: float = Field(default=60.0, ge=0)
    knowledge_fallback: bool = True
    faq_direct_answer_min_score: float | None = Field(default=None, gt=0)
    # Knowledge larger than this (estimated tokens) is not sent whole: each question is grounded
    # with its top entries from hybrid retrieval (BM25 and embeddings).
    knowledge_token_budget: int = Field(default=8000, ge=500)
    knowledge_top_entries: int = Field(default=8, ge=1, le=100)
    history_token_budget: int = Field(default=6000, ge=100)
    max_message_chars: int = Field(default=4000, ge=1)
    max_request_bytes: int = Field(default=64 * 1024, ge=1024)
    history_page_size: int = Field(default=50, ge=1, le=500)

    redis_url: str | None = None
    rate_limit_per_client: str = "30/minute"
    rate_limit_per_conversation: str = "12/minute"
    # 0 locally (``make dev``: nothing in front appends X-Forwarded-For); Terraform sets the
    # deployed value (Cloud Run's front end is one proxy).
    trusted_proxy_count: int = Field(default=0, ge=0)

    google_cloud_project: str | None = None
    log_format: Literal["json", "text"] = "json"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    heartbeat_seconds: float = Field(default=15.0, gt=0)

    # Handing a conversation to a person (README, "Talking to a person").
    # When the team answers: "mon-fri 09:00-18:00; sat 10:00-14:00" in SUPPORT_TIMEZONE.
    support_hours: str = "mon-fri 09:00-18:00; sat 10:00-14:00"
    support_timezone: str = "Europe/Berlin"
    # Where new handoffs and shoppers' messages while waiting are POSTed (unset: no webhook),
    # signed with WEBHOOK_SECRET (HMAC-SHA256 of the body).
    handoff_webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_max_attempts: int = Field(default=10, ge=1, le=100)
    webhook_backoff_seconds: float = Field(default=5.0, gt=0)
    # The staff console's address (".../admin/"): each webhook event links to its conversation.
    console_url: str | None = None
    # A page's events stream checks Postgres this often even without a notification.
    events_poll_seconds: float = Field(default=5.0, gt=0)
    # "saved": a chunk reaches the shopper once it is checkpointed, so an instance that dies
    # loses nothing they saw (each pass of the checkpoint writer saves every moving answer in
    # one statement; a few ms per chunk). "immediate": chunks go out as they arrive and are
    # checkpointed every CHECKPOINT_INTERVAL_SECONDS (less CPU; a killed instance loses up to
    # that interval of text the shopper saw). Either way a failing database never holds text back.
    stream_durability: Literal["saved", "immediate"] = "saved"
    checkpoint_interval_seconds: float = Field(default=0.5, gt=0)
    # A streaming answer's liveness lease: its writer renews it every ``lease_renew_seconds``;
    # once it is ``answer_lease_seconds`` old the writer is taken for dead.
    answer_lease_seconds: float = Field(default=15.0, gt=0)
    lease_renew_seconds: float = Field(default=5.0, gt=0)
    # How often each instance looks for answers whose lease expired (no traffic needed).
    lease_sweep_seconds: float = Field(default=10.0, gt=0)
    # How long a finished answer whose save fails is kept in memory and retried.
    final_save_window_seconds: float = Field(default=300.0, gt=0)

    @model_validator(mode="after")
    def _renewed_within_the_lease(self) -> Settings:
        if self.lease_renew_seconds >= self.answer_lease_seconds:
            raise ValueError("LEASE_RENEW_SECONDS must be shorter than ANSWER_LEASE_SECONDS")
        return self

    # Postgres connections of one instance (README, "Connection budget"). THREADS is
    # functions-framework's thread count; with it and no pool settings, every thread gets a
    # connection, half kept open, half opened under load. Without THREADS (the dev server has
    # no thread bound) the pool is 10 + 10.
    threads: int | None = Field(default=None, ge=1)
    # functions-framework's gunicorn worker processes (one per vCPU where deployed). Read by the
    # framework, declared here so a bad value is named; each worker has its own pool above.
    workers: int | None = Field(default=None, ge=1)
    # With WORKERS > 1, each worker runs on a CPU of its own (common/workers.py).
    pin_workers_to_cpus: bool = True
    db_pool_size: int | None = Field(default=None, ge=1)
    db_max_overflow: int | None = Field(default=None, ge=0)

    @field_validator(
        "gemini_api_key",
        "admin_token",
        "conversation_token_secret",
        "iap_audience",
        "retention_days",
        "handoff_webhook_url",
        "webhook_secret",
        "console_url",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # An empty variable in a .env file or a Terraform default means "not set".
        return None if value == "" else value

    @field_validator("rate_limit_per_client", "rate_limit_per_conversation")
    @classmethod
    def _valid_rate(cls, value: str) -> str:
        if value.strip():
            from limits import parse

            parse(value)  # raises ValueError naming the problem
        return value.strip()

    @field_validator("support_hours")
    @classmethod
    def _valid_support_hours(cls, value: str) -> str:
        from common.handoff.schedule import SupportSchedule

        SupportSchedule.parse(value)  # raises ValueError naming the problem
        return value

    @field_validator("support_timezone")
    @classmethod
    def _valid_timezone(cls, value: str) -> str:
        import zoneinfo

        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("console_url")
    @classmethod
    def _valid_console_url(cls, value: str | None) -> str | None:
        if value is not None and (not value.startswith(("https://", "http://")) or "#" in value):
            raise ValueError(f"{value!r} is no address of a page: write e.g. https://shop.example/admin/")
        return value

    @field_validator("allowed_origins")
    @classmethod
    def _valid_origins(cls, value: str) -> str:
        for origin in (o.strip().rstrip("/") for o in value.split(",")):
            if origin and origin != "*" and not _ORIGIN.fullmatch(origin):
                # A browser's Origin is scheme://host[:port]: anything else never matches.
                raise ValueError(f"{origin!r} is no origin: write scheme://host[:port], no path")
        return value

    @property
    def origins(self) -> frozenset[str]:
        return frozenset(_as_sent(o) for o in self.allowed_origins.split(",") if o.strip())

    @property
    def model_configured(self) -> bool:
        return self.gemini_api_key is not None

    @property
    def db_pool(self) -> tuple[int, int]:
        """(pool_size, max_overflow) of the instance's engine."""
        threads = self.threads or 20
        pool_size = self.db_pool_size or (threads + 1) // 2
        overflow = self.db_max_overflow
        return pool_size, max(0, threads - pool_size) if overflow is None else overflow


@functools.cache
def get_settings() -> Settings:
    """The instance's settings; fails fast with every invalid variable named."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'_'.join(str(p) for p in err['loc']).upper()}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"invalid configuration: {problems}") from exc
