"""Query parameters of the console's pages and the admin API, checked (5.1.5 names the bad one).

Shared by axis/console/pages.py and axis/admin/routes.py: the same search, the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from axis.errors import Rejected
from axis.store.console_queries import MAX_PAGE, OPEN_STATES
from axis.store.console_rows import DocumentFilter, Page

MAX_FIELD = 200
STATES = ("queued", "fetched", "done", "fail")
_BIZ = re.compile(r"\d{2}")
_CODE = re.compile(r"[245]\.\d{1,2}\.\d{1,3}")
FILTER_FIELDS = (
    "hub_id", "document_id", "notation", "sender", "recipient", "subject", "since", "until",
    "message_type", "state", "biz_status",
)  # fmt: skip


def text(query: Mapping[str, str], name: str) -> str:
    value = query.get(name, "").strip()
    if len(value) > MAX_FIELD:
        raise Rejected("5.1.5", f"{name} is longer than {MAX_FIELD} characters.")
    if any(ord(char) < 0x20 or 0xD800 <= ord(char) < 0xE000 for char in value):
        raise Rejected("5.1.5", f"{name} contains a control character.")
    return value


def day(query: Mapping[str, str], name: str) -> str:
    value = text(query, name)
    if value:
        try:
            date.fromisoformat(value)
        except ValueError as exc:
            raise Rejected("5.1.5", f"{name} must be a day YYYY-MM-DD, got {value!r}.") from exc
        if len(value) != 10:
            raise Rejected("5.1.5", f"{name} must be a day YYYY-MM-DD, got {value!r}.")
    return value


def choice(query: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str:
    value = text(query, name)
    if value and value not in allowed:
        raise Rejected("5.1.5", f"{name} must be one of {', '.join(allowed)}, got {value!r}.")
    return value


def pattern(query: Mapping[str, str], name: str, regex: re.Pattern[str], shape: str) -> str:
    value = text(query, name)
    if value and not regex.fullmatch(value):
        raise Rejected("5.1.5", f"{name} must be {shape}, got {value!r}.")
    return value


# A subject substring cannot use an index: without a first day it searches this many days back
# (docs/console.md, page times).
SUBJECT_DAYS = 30


def document_filter(query: Mapping[str, str]) -> DocumentFilter:
    where = DocumentFilter(
        hub_id=text(query, "hub_id"),
        document_id=text(query, "document_id"),
        notation=text(query, "notation"),
        sender=text(query, "sender"),
        recipient=text(query, "recipient"),
        subject=text(query, "subject"),
        since=day(query, "since"),
        until=day(query, "until"),
        message_type=choice(query, "message_type", ("edoc", "status")),
        state=choice(query, "state", STATES),
        biz_status=pattern(query, "biz_status", _BIZ, "two digits, e.g. 01"),
    )
    if where.subject and not where.since:
        since = (datetime.now(UTC) - timedelta(days=SUBJECT_DAYS)).date().isoformat()
        where = replace(where, since=since)
    return where


def refusal_code(query: Mapping[str, str]) -> str:
    return pattern(query, "code", _CODE, "a result code such as 5.3.9")


def open_state(query: Mapping[str, str], default: str = "fail") -> str:
    return choice(query, "state", OPEN_STATES) or default


def page(query: Mapping[str, str], default_limit: int = 50) -> Page:
    after = text(query, "after")
    raw = text(query, "limit")
    if raw and not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_PAGE):
        raise Rejected("5.1.5", f"limit must be 1..{MAX_PAGE}, got {raw!r}.")
    return Page(after=after, limit=int(raw) if raw else default_limit)
