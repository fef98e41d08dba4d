"""Overdue acknowledgements: the cutoff is the last working-day end before now (docs/console.md)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from axis.console.workday import overdue_cutoff, parse_end, zone
from axis.errors import ConfigError

HCM = ZoneInfo("Asia/Ho_Chi_Minh")  # UTC+7, no daylight saving
END = time(17, 0)


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=HCM)


@pytest.mark.parametrize(
    ("now", "cutoff"),
    [
        ("2026-12-02 17:30", "2026-12-02 17:00"),  # Wednesday evening: today's end has passed
        ("2026-12-02 09:00", "2026-12-01 17:00"),  # Wednesday morning: yesterday's end
        ("2026-12-02 17:00", "2026-12-01 17:00"),  # at the end itself: not yet passed
        ("2026-12-07 10:00", "2026-12-04 17:00"),  # Monday morning: Friday's end
        ("2026-12-05 12:00", "2026-12-04 17:00"),  # Saturday: Friday's end
    ],
)
def test_the_cutoff_is_the_last_working_day_end_before_now(now: str, cutoff: str) -> None:
    found = overdue_cutoff(local(now).astimezone(UTC), END, HCM)
    assert found == local(cutoff).astimezone(UTC)


def test_bad_settings_name_their_key() -> None:
    with pytest.raises(ConfigError, match="working_day_end"):
        parse_end("5pm")
    with pytest.raises(ConfigError, match="timezone"):
        zone("Mars/Olympus")
