"""The operator's aggregates: the queue's shape (like Postfix's qshape) and monthly statistics.

Pure types and rules; the store fills them (axis/store/events_queries.py). Working days follow
Decree 30/2020/NĐ-CP: Monday to Friday, in Vietnam's time (Asia/Ho_Chi_Minh); public holidays
are the operator's list (eventlog.holidays), see docs/decisions.md "Working days".
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

# qshape's age buckets, in minutes: "< 5", "5-10", ... "1280+" (the last is open-ended).
AGE_BUCKETS_MIN: tuple[int, ...] = (5, 10, 20, 40, 80, 160, 320, 640, 1280)
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def bucket_labels() -> list[str]:
    edges = (0, *AGE_BUCKETS_MIN)
    return [f"{a}-{b}m" for a, b in itertools.pairwise(edges)] + [f"{AGE_BUCKETS_MIN[-1]}m+"]


@dataclass(frozen=True)
class QueueRow:
    """Open deliveries (queued, fetched, fail) to one destination agency, by age bucket."""

    destination: str
    total: int
    by_age: tuple[int, ...]  # one count per bucket_labels()


@dataclass(frozen=True)
class QueueShape:
    at: str
    rows: list[QueueRow]  # largest total first
    oldest: dict[str, str] | None  # delivery_id, doc_id, agency, state, created_at
    failures_last_hour: int  # acknowledged fail + failed events in the hour before ``at``
    states: dict[str, int] = field(default_factory=dict)  # open deliveries per state

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)

    def as_dict(self) -> dict[str, object]:
        out = asdict(self)
        out["buckets"] = bucket_labels()
        out["total"] = self.total
        return out


@dataclass(frozen=True)
class StatsRow:
    """One agency's month (or period): what it sent and received and how fast it acknowledged."""

    agency: str
    tier: str
    sent: int
    received: int
    acknowledged: int
    same_working_day: int

    @property
    def same_day_share(self) -> float:
        return round(self.same_working_day / self.received, 4) if self.received else 0.0

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "same_day_share": self.same_day_share}


def age_cutoffs(now: datetime) -> list[str]:
    """ISO-8601 UTC times: a delivery created at or after cutoff[i] is younger than bucket i's
    upper edge (the store compares text)."""
    return [_iso(now - timedelta(minutes=m)) for m in AGE_BUCKETS_MIN]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def local_day(at: str) -> date:
    return datetime.fromisoformat(at).astimezone(VIETNAM).date()


def working_day_on_or_after(day: date, holidays: frozenset[date]) -> date:
    while day.weekday() >= 5 or day in holidays:
        day += timedelta(days=1)
    return day


def same_working_day(received_at: str, acked_at: str, holidays: frozenset[date]) -> bool:
    """Acknowledged by the end of the working day it arrived on (a package arriving on a
    weekend or holiday counts from the next working day)."""
    if not acked_at:
        return False
    due = working_day_on_or_after(local_day(received_at), holidays)
    return local_day(acked_at) <= due


def period_bounds(period: str, at: date) -> tuple[str, str, str]:
    """(label, start, end) in UTC text for the day/week/month holding ``at`` in Vietnam time."""
    if period == "day":
        first, after, label = at, at + timedelta(days=1), at.isoformat()
    elif period == "week":
        first = at - timedelta(days=at.weekday())
        after, label = (
            first + timedelta(days=7),
            f"{first.isocalendar()[0]}-W{first.isocalendar()[1]:02}",
        )
    elif period == "month":
        first = at.replace(day=1)
        after = (first + timedelta(days=32)).replace(day=1)
        label = f"{first:%Y-%m}"
    else:
        raise ValueError(f"period must be day, week or month, not {period!r}")
    start = datetime.combine(first, datetime.min.time(), VIETNAM)
    end = datetime.combine(after, datetime.min.time(), VIETNAM)
    return label, _iso(start), _iso(end)


def tally(
    sent: dict[str, int],
    deliveries: Iterable[tuple[str, str, str]],
    holidays: frozenset[date],
    tier_of: dict[str, str],
) -> list[StatsRow]:
    """StatsRows from sent counts per agency and (agency, received_at, acked_at) deliveries."""
    received: dict[str, list[int]] = {}
    for agency, received_at, acked_at in deliveries:
        counts = received.setdefault(agency, [0, 0, 0])
        counts[0] += 1
        counts[1] += bool(acked_at)
        counts[2] += same_working_day(received_at, acked_at, holidays)
    agencies: Sequence[str] = sorted(set(sent) | set(received))
    return [
        StatsRow(a, tier_of.get(a, "unknown"), sent.get(a, 0), *received.get(a, [0, 0, 0]))
        for a in agencies
    ]
