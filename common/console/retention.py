"""Deleting conversations nobody has touched for longer than the shop keeps them."""

from __future__ import annotations

import datetime as dt
import logging

from common.console.responses import RetentionResult
from common.unit_of_work import UnitOfWorkFactory

log = logging.getLogger(__name__)


def delete_old_conversations(
    *, uow: UnitOfWorkFactory, days: int, now: dt.datetime, batch: int = 1000
) -> RetentionResult:
    """Delete conversations whose last message is more than ``days`` old, in short
    transactions of ``batch`` conversations so the job never holds long locks."""
    cutoff = now - dt.timedelta(days=days)
    deleted = 0
    while True:
        with uow() as tx:
            count = tx.console.delete_inactive_since(cutoff, batch=batch)
        deleted += count
        if count < batch:
            break
    log.info("retention: deleted %d conversations inactive since %s", deleted, cutoff.isoformat())
    return RetentionResult(cutoff=cutoff, deleted_conversations=deleted)
