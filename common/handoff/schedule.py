"""When the support team answers: a small weekly schedule (``SUPPORT_HOURS``)."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PART = re.compile(
    r"^(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?\s+(?P<start>\d{1,2}:\d{2})-(?P<end>\d{1,2}:\d{2})$"
)


@dataclass(frozen=True)
class Opening:
    weekday: int  # Monday is 0
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class SupportSchedule:
    """Weekly opening hours in one time zone, e.g. ``mon-fri 09:00-18:00; sat 10:00-14:00``."""

    openings: tuple[Opening, ...]
    timezone: str = "UTC"

    @classmethod
    def parse(cls, text: str, timezone: str = "UTC") -> SupportSchedule:
        """Raises ValueError naming the part it cannot read. An empty text: never open."""
        openings: list[Opening] = []
        for part in (p.strip().lower() for p in text.split(";")):
            if not part:
                continue
            match = _PART.match(part)
            if match is None or match["first"] not in _DAYS or (match["last"] or "mon") not in _DAYS:
                raise ValueError(f"cannot read {part!r}: write e.g. 'mon-fri 09:00-18:00'")
            first = _DAYS.index(match["first"])
            last = _DAYS.index(match["last"]) if match["last"] else first
            start, end = _time(match["start"]), _time(match["end"])
            if end <= start:
                raise ValueError(f"in {part!r} the hours must end after they start")
            # "fri-mon" runs over the weekend: Friday, Saturday, Sunday and Monday.
            days = ((first + n) % 7 for n in range((last - first) % 7 + 1))
            openings.extend(Opening(day, start, end) for day in days)
        return cls(tuple(openings), timezone)

    def is_open(self, at: dt.datetime) -> bool:
        local = at.astimezone(zoneinfo.ZoneInfo(self.timezone))
        now = local.time()
        return any(o.weekday == local.weekday() and o.start <= now < o.end for o in self.openings)


def _time(text: str) -> dt.time:
    hours, minutes = (int(x) for x in text.split(":"))
    if hours == 24 and minutes == 0:
        return dt.time.max
    try:
        return dt.time(hours, minutes)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a time of day") from exc
