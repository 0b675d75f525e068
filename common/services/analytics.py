"""Usage over a time window: conversations, messages, tokens, cost, latency and error rates."""

from __future__ import annotations

import datetime as dt

from common.responses import MessageCounts, ModelUsage, Percentiles, TimeWindow, TokenCounts, UsageSummary
from common.unit_of_work import UnitOfWorkFactory


def usage_summary(*, uow: UnitOfWorkFactory, since: dt.datetime, until: dt.datetime) -> UsageSummary:
    """Aggregates over messages created in ``[since, until)``."""
    with uow() as tx:
        row = tx.analytics.usage(since=since, until=until)
        models = tx.analytics.usage_by_model(since=since, until=until)
    answers = row.answers or 0

    def rate(count: int) -> float:
        return round(count / answers, 4) if answers else 0.0

    def percentile(value: float | None) -> float | None:
        return round(value, 1) if value is not None else None

    return UsageSummary(
        window=TimeWindow(since=since, until=until),
        conversations=row.conversations,
        messages=MessageCounts(questions=row.questions, answers=answers),
        tokens=TokenCounts(input=int(row.input_tokens), output=int(row.output_tokens)),
        cost_usd=round(float(row.cost_usd), 6),
        time_to_first_token_ms=Percentiles(p50=percentile(row.ttft_p50_ms), p95=percentile(row.ttft_p95_ms)),
        answers_by_status={
            status: getattr(row, status)
            for status in ("complete", "failed", "interrupted", "blocked", "streaming")
        },
        rates={
            "error": rate(row.failed + row.interrupted),
            "failed": rate(row.failed),
            "interrupted": rate(row.interrupted),
            "blocked": rate(row.blocked),
            "knowledge_fallback": rate(row.fallback),
            "knowledge_answers": rate(row.knowledge),
        },
        by_model=[
            ModelUsage(
                model=m.model,
                answers=m.answers,
                input_tokens=int(m.input_tokens),
                output_tokens=int(m.output_tokens),
                cost_usd=round(float(m.cost_usd), 6),
            )
            for m in models
        ],
    )
