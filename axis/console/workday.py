"""When an acknowledgement is overdue: no status 01 by the end of the working day it arrived.

A delivery that arrives on a working day (Monday to Friday) before its end is due by that end;
one that arrives later (or at a weekend) is due by the end of the next working day. So at any
moment the overdue deliveries are exactly those that arrived at or before the last working-day
end that has passed: one time bound, one indexed range (console_queries.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from axis.errors import ConfigError


def parse_end(text: str) -> time:
    try:
        hours, minutes = (int(part) for part in text.split(":"))
        return time(hours, minutes)
    except ValueError as exc:
        raise ConfigError(f"console.working_day_end must be HH:MM, got {text!r}") from exc


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError) as exc:
        raise ConfigError(f"console.timezone is not an IANA zone: {name!r}") from exc


def overdue_cutoff(now: datetime, end: time, tz: ZoneInfo) -> datetime:
    """The last working-day end strictly before ``now`` (UTC): arrivals at or before it are
    overdue if they still have no business status."""
    local = now.astimezone(tz)
    day = local.date()
    while True:
        candidate = datetime.combine(day, end, tzinfo=tz)
        if day.weekday() < 5 and candidate < local:
            return candidate.astimezone(UTC)
        day -= timedelta(days=1)


def store_time(moment: datetime) -> str:
    """The store's one time format (ISO-8601 UTC, milliseconds), so text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")
