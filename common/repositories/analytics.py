"""Aggregates over stored messages, for the shop's staff."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

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
# Per time bucket, for the console's charts.
_SERIES = sa.text(
    """
    SELECT
        date_bin(:step, created_at, :origin) AS bucket,
        count(DISTINCT conversation_id) AS conversations,
        count(*) FILTER (WHERE role = 'user') AS questions,
        count(*) FILTER (WHERE role = 'assistant') AS answers,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY time_to_first_token_ms)
            FILTER (WHERE role = 'assistant' AND source = 'model') AS ttft_p50_ms,
        percentile_cont(0.95) WITHIN GROUP (ORDER BY time_to_first_token_ms)
            FILTER (WHERE role = 'assistant' AND source = 'model') AS ttft_p95_ms,
        count(*) FILTER (WHERE role = 'assistant' AND status IN ('failed', 'interrupted')) AS errors,
        count(*) FILTER (WHERE role = 'assistant' AND source = 'fallback') AS fallbacks,
        coalesce(sum(input_tokens), 0) AS input_tokens,
        coalesce(sum(output_tokens), 0) AS output_tokens,
        coalesce(sum(cost_usd), 0) AS cost_usd
    FROM messages
    WHERE created_at >= :since AND created_at < :until
    GROUP BY bucket ORDER BY bucket
    """
)
_FEEDBACK_SERIES = sa.text(
    """
    SELECT date_bin(:step, created_at, :origin) AS bucket,
           count(*) FILTER (WHERE rating = 'up') AS up,
           count(*) FILTER (WHERE rating = 'down') AS down,
           count(comment) AS comments
    FROM feedback
    WHERE created_at >= :since AND created_at < :until
    GROUP BY bucket ORDER BY bucket
    """
)


class AnalyticsRepository:
    """Usage figures over a time window."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def usage(self, *, since: dt.datetime, until: dt.datetime) -> sa.Row[Any]:
        """One row of totals over messages created in ``[since, until)``."""
        return self.session.execute(_SUMMARY, {"since": since, "until": until}).one()

    def usage_by_model(self, *, since: dt.datetime, until: dt.datetime) -> Sequence[sa.Row[Any]]:
        return self.session.execute(_BY_MODEL, {"since": since, "until": until}).all()

    def series(
        self, *, since: dt.datetime, until: dt.datetime, step: dt.timedelta
    ) -> tuple[Sequence[sa.Row[Any]], Sequence[sa.Row[Any]]]:
        """Message and feedback figures per bucket of ``step`` (buckets start at ``since``)."""
        params = {"since": since, "until": until, "step": step, "origin": since}
        return (
            self.session.execute(_SERIES, params).all(),
            self.session.execute(_FEEDBACK_SERIES, params).all(),
        )
