"""The chat's tunables, taken from ``Settings`` once per instance (defaults live there only)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from common.config import Settings


@dataclass(frozen=True)
class ChatSettings:
    checkpoint_interval_seconds: float
    # Show the shopper only text that is saved (``STREAM_DURABILITY=saved``).
    show_saved_text_only: bool
    deadline_seconds: float
    # A streaming answer's liveness lease, how often its writer renews it, and how often each
    # instance sweeps for expired ones.
    lease_seconds: float
    lease_renew_seconds: float
    lease_sweep_seconds: float
    # A finished answer whose save fails is kept in memory and retried for this long.
    final_save_window_seconds: float
    heartbeat_seconds: float
    history_token_budget: int
    # A direct FAQ answer (no model call) needs at least this BM25 score; None: never.
    faq_direct_answer_min_score: float | None
    # Answer from the knowledge base when the model fails before its first token.
    knowledge_fallback: bool
    # USD per million tokens, (input, output), by model: for the cost recorded with each answer.
    prices: Mapping[str, tuple[float, float]]
    # Knowledge over this many tokens is grounded per question with its top entries.
    knowledge_token_budget: int = 8000
    knowledge_top_entries: int = 8
    # The first pause between attempts of the final save (doubling up to the cap).
    final_save_backoff_seconds: float = 0.4
    final_save_max_pause_seconds: float = 5.0

    @classmethod
    def from_settings(cls, settings: Settings) -> ChatSettings:
        return cls(
            checkpoint_interval_seconds=settings.checkpoint_interval_seconds,
            show_saved_text_only=settings.stream_durability == "saved",
            deadline_seconds=settings.answer_deadline_seconds,
            lease_seconds=settings.answer_lease_seconds,
            lease_renew_seconds=settings.lease_renew_seconds,
            lease_sweep_seconds=settings.lease_sweep_seconds,
            final_save_window_seconds=settings.final_save_window_seconds,
            heartbeat_seconds=settings.heartbeat_seconds,
            history_token_budget=settings.history_token_budget,
            faq_direct_answer_min_score=settings.faq_direct_answer_min_score,
            knowledge_fallback=settings.knowledge_fallback,
            knowledge_token_budget=settings.knowledge_token_budget,
            knowledge_top_entries=settings.knowledge_top_entries,
            prices={
                model: (p.input_per_million, p.output_per_million)
                for model, p in settings.model_prices.items()
            },
        )
