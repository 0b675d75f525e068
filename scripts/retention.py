"""``make retention``: delete conversations inactive for longer than RETENTION_DAYS."""

from __future__ import annotations

import datetime as dt

from common import runtime
from common.config import get_settings
from common.console.retention import delete_old_conversations


def main() -> None:
    days = get_settings().retention_days
    if days is None:
        # Keeping everything is a valid policy, not a failure.
        print("RETENTION_DAYS is unset: conversations are kept forever, nothing deleted")
        return
    result = delete_old_conversations(uow=runtime.unit_of_work(), days=days, now=dt.datetime.now(dt.UTC))
    since = f"{result.cutoff:%Y-%m-%d %H:%M} UTC"
    print(f"deleted {result.deleted_conversations} conversations inactive since {since}")


if __name__ == "__main__":
    main()
