"""The standard's date and timestamp formats: ``yyyy/MM/dd`` and ``yyyy/MM/dd HH:mm:ss``.

Used by the content rules (docs/domain.md §3 PromulgationDate/DueDate, TraceHeader and status
Timestamp) and by the hub when it writes a TraceHeader. Parsing is exact: zero-padded fields,
nothing around them (strptime alone would accept "2018/9/28"), and real calendar dates only
(the sample's 2014/02/30 is impossible).
"""

from __future__ import annotations

import re
from datetime import date, datetime

DATE_FORMAT = "%Y/%m/%d"
TIMESTAMP_FORMAT = "%Y/%m/%d %H:%M:%S"
_DATE = re.compile(r"\d{4}/\d{2}/\d{2}", re.ASCII)  # whole text: fullmatch
_TIMESTAMP = re.compile(r"\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}", re.ASCII)


def parse_date(text: str) -> date | None:
    """The date ``text`` names, or None when it is not an existing yyyy/MM/dd date."""
    if not _DATE.fullmatch(text):
        return None
    try:  # sliced, not strptime: the pattern fixed every position, and strptime is 10x dearer
        return date(int(text[0:4]), int(text[5:7]), int(text[8:10]))
    except ValueError:
        return None


def parse_timestamp(text: str) -> datetime | None:
    """The (naive, zone-less as in the standard) time ``text`` names, or None if malformed."""
    if not _TIMESTAMP.fullmatch(text):
        return None
    try:
        return datetime(
            int(text[0:4]), int(text[5:7]), int(text[8:10]),
            int(text[11:13]), int(text[14:16]), int(text[17:19]),
        )  # fmt: skip
    except ValueError:
        return None


def is_date(text: str) -> bool:
    return parse_date(text) is not None


def is_timestamp(text: str) -> bool:
    return parse_timestamp(text) is not None


def format_date(value: date) -> str:
    return value.strftime(DATE_FORMAT)


def format_timestamp(value: datetime) -> str:
    return value.strftime(TIMESTAMP_FORMAT)
