"""The console's live charts and the shoppers' ratings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from common.console.responses import AnalyticsSeries, FeedbackItem, FeedbackList, Satisfaction, SeriesPoint
from common.responses import TimeWindow
from common.unit_of_work import UnitOfWorkFactory

# Bucket sizes a chart may use; the smallest that keeps a window within ~48 points wins.
_STEPS = (60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 24 * 3600)
_POINTS = 48


def bucket_for(window: dt.timedelta) -> dt.timedelta:
    wanted = window.total_seconds() / _POINTS
    return dt.timedelta(seconds=next((s for s in _STEPS if s >= wanted), _STEPS[-1]))


def series(*, uow: UnitOfWorkFactory, since: dt.datetime, until: dt.datetime) -> AnalyticsSeries:
    """Traffic, latency, errors, tokens, cost and satisfaction per bucket over ``[since, until)``.

    Empty buckets are included (as zeros), so a chart's time axis has no gaps.
    """
    step = bucket_for(until - since)
    with uow() as tx:
        messages, ratings = tx.analytics.series(since=since, until=until, step=step)
    by_start = {row.bucket: row for row in messages}
    rated = {row.bucket: row for row in ratings}
    points = []
    start = since
    while start < until:
        points.append(_point(start, by_start.get(start), rated.get(start)))
        start += step
    up, down = sum(r.up for r in ratings), sum(r.down for r in ratings)
    return AnalyticsSeries(
        window=TimeWindow(since=since, until=until),
        bucket_seconds=int(step.total_seconds()),
        points=points,
        satisfaction=Satisfaction(
            thumbs_up=up,
            thumbs_down=down,
            comments=sum(r.comments for r in ratings),
            share_up=round(up / (up + down), 4) if up + down else None,
        ),
    )


def _point(start: dt.datetime, row: Any, rating: Any) -> SeriesPoint:
    answers = row.answers if row else 0

    def share(count: int) -> float:
        return round(count / answers, 4) if answers else 0.0

    def ms(value: float | None) -> float | None:
        return round(value, 1) if value is not None else None

    return SeriesPoint(
        start=start,
        conversations=row.conversations if row else 0,
        questions=row.questions if row else 0,
        answers=answers,
        ttft_p50_ms=ms(row.ttft_p50_ms) if row else None,
        ttft_p95_ms=ms(row.ttft_p95_ms) if row else None,
        error_rate=share(row.errors) if row else 0.0,
        fallback_rate=share(row.fallbacks) if row else 0.0,
        input_tokens=int(row.input_tokens) if row else 0,
        output_tokens=int(row.output_tokens) if row else 0,
        cost_usd=round(float(row.cost_usd), 6) if row else 0.0,
        thumbs_up=rating.up if rating else 0,
        thumbs_down=rating.down if rating else 0,
    )


def recent_feedback(
    *, uow: UnitOfWorkFactory, since: dt.datetime, rating: str | None, limit: int
) -> FeedbackList:
    with uow() as tx:
        rows = tx.feedback.recent(since=since, rating=rating, limit=limit)
    return FeedbackList(
        feedback=[
            FeedbackItem(
                message_id=r.message_id,
                conversation_id=r.conversation_id,
                rating=r.rating,
                comment=r.comment,
                updated_at=r.updated_at,
                question=r.question,
                answer=r.answer,
            )
            for r in rows
        ]
    )
