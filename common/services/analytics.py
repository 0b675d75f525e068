"""Usage over a time window: conversations, messages, tokens, cost, latency and error rates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from common.db import UnitOfWork

_SUMMARY = sa.text(
    """
    SELECT
        count(DISTINCT conversation_id) AS conversations,
        count(*) FILTER (WHERE role = 'user') AS questions,
        count(*) FILTER (WHERE role = 'assistant') AS answers,
        coalesce(sum(input_tokens), 0) AS input_tokens,
        coalesce(sum(output_tokens), 0) AS output_tokens,
        coalesce(sum(cost_usd), 0) AS cost_usd,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY time_to_first_token_ms)
            FILTER (WHERE role = 'assistant' AND source = 'model') AS ttft_p50_ms,
        percentile_cont(0.95) WITHIN GROUP (ORDER BY time_to_first_token_ms)
            FILTER (WHERE role = 'assistant' AND source = 'model') AS ttft_p95_ms,
        count(*) FILTER (WHERE role = 'assistant' AND status = 'complete') AS complete,
        count(*) FILTER (WHERE role = 'assistant' AND status = 'failed') AS failed,
        count(*) FILTER (WHERE role = 'assistant' AND status = 'interrupted') AS interrupted,
        count(*) FILTER (WHERE role = 'assistant' AND status = 'blocked') AS blocked,
        count(*) FILTER (WHERE role = 'assistant' AND status = 'streaming') AS streaming,
        count(*) FILTER (WHERE role = 'assistant' AND source = 'fallback') AS fallback,
        count(*) FILTER (WHERE role = 'assistant' AND source = 'knowledge') AS knowledge
    FROM messages
    WHERE created_at >= :since AND created_at < :until
    """
)
_BY_MODEL = sa.text(
    """
    SELECT model, count(*) AS answers, coalesce(sum(input_tokens), 0) AS input_tokens,
           coalesce(sum(output_tokens), 0) AS output_tokens, coalesce(sum(cost_usd), 0) AS cost_usd
    FROM messages
    WHERE role = 'assistant' AND created_at >= :since AND created_at < :until AND model IS NOT NULL
    GROUP BY model ORDER BY answers DESC
    """
)


def usage_summary(*, uow: UnitOfWork, since: dt.datetime, until: dt.datetime) -> dict[str, Any]:
    """Aggregates over messages created in ``[since, until)``."""
    window = {"since": since, "until": until}
    with uow() as session:
        row = session.execute(_SUMMARY, window).one()
        models = session.execute(_BY_MODEL, window).all()
    answers = row.answers or 0

    def rate(count: int) -> float:
        return round(count / answers, 4) if answers else 0.0

    return {
        "window": {"since": since.isoformat(), "until": until.isoformat()},
        "conversations": row.conversations,
        "messages": {"questions": row.questions, "answers": answers},
        "tokens": {"input": int(row.input_tokens), "output": int(row.output_tokens)},
        "cost_usd": round(float(row.cost_usd), 6),
        "time_to_first_token_ms": {
            "p50": round(row.ttft_p50_ms, 1) if row.ttft_p50_ms is not None else None,
            "p95": round(row.ttft_p95_ms, 1) if row.ttft_p95_ms is not None else None,
        },
        "answers_by_status": {
            status: getattr(row, status)
            for status in ("complete", "failed", "interrupted", "blocked", "streaming")
        },
        "rates": {
            "error": rate(row.failed + row.interrupted),
            "failed": rate(row.failed),
            "interrupted": rate(row.interrupted),
            "blocked": rate(row.blocked),
            "knowledge_fallback": rate(row.fallback),
            "knowledge_answers": rate(row.knowledge),
        },
        "by_model": [
            {
                "model": m.model,
                "answers": m.answers,
                "input_tokens": int(m.input_tokens),
                "output_tokens": int(m.output_tokens),
                "cost_usd": round(float(m.cost_usd), 6),
            }
            for m in models
        ],
    }
