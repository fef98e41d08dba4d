"""The daemon seals the chain periodically and at stop (both backends); events written before
migration 005 are chained when the store opens; kinds and working days as documented."""

from __future__ import annotations

import asyncio
import re
from datetime import date
from pathlib import Path

from axis import config as config_mod
from axis.daemon import Daemon
from axis.eventlog import kinds
from axis.eventlog.event import Event
from axis.eventlog.reports import period_bounds, same_working_day
from axis.eventlog.verify import verify_store
from axis.store import open_store
from tests.eventlog.conftest import drop_guard, raw_sql

DOCS = Path(__file__).resolve().parents[2] / "docs"


async def test_the_daemon_seals_every_period(hub_cfg) -> None:
    daemon = await Daemon.start(config_mod.replace(hub_cfg, "eventlog", seal_every_s=0.05))
    try:
        await daemon.store.record_event(Event(kinds.RETRIED, detail="sealed while running"))
        for _ in range(200):
            if seals := await daemon.store.list_seals():
                break
            await asyncio.sleep(0.02)
        head = (await daemon.store.list_events(newest_first=True, limit=1))[0]
        assert seals and seals[-1].seq == head.seq and seals[-1].hash == head.hash
    finally:
        await daemon.close()


async def test_the_daemon_seals_once_more_at_stop(hub_cfg) -> None:
    cfg = config_mod.replace(hub_cfg, "eventlog", seal_every_s=3600)
    daemon = await Daemon.start(cfg)
    try:
        await daemon.store.record_event(Event(kinds.RETRIED, detail="just before the stop"))
        assert await daemon.store.list_seals() == []  # the period has not come
    finally:
        await daemon.close()
    store = await open_store(cfg)
    try:
        cert = daemon.receipts.cert_pem
        report = await verify_store(store, cert.decode() if cert else None)
    finally:
        await store.close()
    assert report.ok and report.seals == 1 and report.last_sealed_seq == report.head_seq


async def test_events_from_before_migration_005_are_chained_at_open(hub_cfg) -> None:
    store = await open_store(hub_cfg)
    try:
        await store.add_system("legacy-1", "s")
        await store.add_system("legacy-2", "s")
    finally:
        await store.close()
    # As a store that ran migrations 001-004 left them: no chain fields yet (and no guard).
    await drop_guard(hub_cfg)
    await raw_sql(hub_cfg, [("UPDATE events SET prev = '', hash = ''", ())])
    store = await open_store(hub_cfg)
    try:
        report = await verify_store(store, None)
        rows = await store.list_events()
    finally:
        await store.close()
    assert report.ok and report.events == len(rows) >= 2
    assert all(row.hash for row in rows)


def test_docs_list_exactly_the_event_kinds() -> None:
    text = (DOCS / "delivery-log.md").read_text(encoding="utf-8")
    section = text.split("## Event kinds", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| `([a-z-]+)` \|", section, flags=re.MULTILINE)
    assert listed == list(kinds.KINDS)


def test_the_same_working_day_counts_weekends_and_holidays_forward() -> None:
    friday_evening = "2026-11-27T12:00:00.000+00:00"  # 19:00 in Vietnam, Friday
    monday = "2026-11-30T03:00:00.000+00:00"
    saturday = "2026-11-28T03:00:00.000+00:00"
    assert same_working_day(friday_evening, "2026-11-27T16:59:00.000+00:00", frozenset())
    assert not same_working_day(friday_evening, monday, frozenset())
    assert same_working_day(saturday, monday, frozenset())  # arrived on a weekend
    holiday = frozenset({date(2026, 11, 30)})
    assert same_working_day(saturday, "2026-12-01T03:00:00.000+00:00", holiday)
    assert not same_working_day(saturday, "2026-12-02T03:00:00.000+00:00", holiday)
    assert not same_working_day(saturday, "", frozenset())


def test_a_month_is_bounded_in_vietnam_time() -> None:
    label, start, end = period_bounds("month", date(2026, 11, 15))
    assert label == "2026-11"
    assert start == "2026-10-31T17:00:00.000+00:00" and end == "2026-11-30T17:00:00.000+00:00"
