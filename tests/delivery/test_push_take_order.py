"""The queue manager takes an endpoint's due deliveries oldest first, and a take costs the rows
it takes, not the backlog (migration 015, docs/delivery.md "Due deliveries, paged")."""

from __future__ import annotations

import dataclasses
import itertools
import sqlite3

import pytest

from axis.delivery.clock import ManualClock, iso
from axis.store.base import Store
from tests.delivery.conftest import PUSHED, new_document
from tests.support.vm_steps import insert_documents

NOW, LEASE = "9999-01-01T00:00:00.000+00:00", "9999-12-31T00:00:00.000+00:00"
_ms = itertools.count(1)


async def accept_in_order(store: Store, count: int) -> list[str]:
    """``count`` documents for the push endpoint, each accepted a millisecond after the last,
    with delivery ids that sort the other way round (ids are random in the hub)."""
    start, taken = ManualClock(1_800_000_000.0).now(), []
    for _ in range(count):
        doc, deliveries = new_document(created_at=iso(start + next(_ms) / 1000))
        deliveries = [
            dataclasses.replace(d, id=f"dlv-{10**9 - next(_ms):010d}") for d in deliveries
        ]
        await store.save_incoming(doc, deliveries)
        taken += [d.id for d in deliveries]
    return taken


async def test_new_deliveries_are_taken_in_the_order_they_were_accepted(store: Store) -> None:
    accepted = await accept_in_order(store, 12)
    first = [row.delivery_id for row in await store.push_take(PUSHED, NOW, LEASE, 5)]
    rest = [row.delivery_id for row in await store.push_take(PUSHED, NOW, LEASE, 50)]
    assert sorted(first, key=accepted.index) == accepted[:5]
    assert sorted(rest, key=accepted.index) == accepted[5:]


async def take_steps(store: Store) -> int:
    """SQLite VM steps of one take of 16 on the writer connection (the take rides it)."""
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    writer = store._writer  # type: ignore[attr-defined]
    await writer.set_progress_handler(count, 1)
    try:
        assert len(await store.push_take(PUSHED, NOW, LEASE, 16)) == 16
    finally:
        await writer.set_progress_handler(None, 1)
    return steps


def backlog(path: str, count: int) -> None:
    """``count`` more due deliveries to the endpoint, written with plain SQL (fast)."""
    at = "2026-12-03T00:00:00.000+00:00"
    with sqlite3.connect(path) as conn:
        docs = insert_documents(conn, "000.00.00.G22", "00.00.G22", count, "bulk", at)
        conn.executemany(
            "INSERT INTO deliveries (id, doc_id, agency, message_type, route, state, created_at,"
            " updated_at) VALUES (?, ?, '000.00.00.H41', 'edoc', ?, 'queued', ?, ?)",
            [(f"bdlv{n:06d}", doc, PUSHED, at, at) for n, doc in enumerate(docs)],
        )


@pytest.mark.parametrize("store_backend", ["sqlite"])  # VM steps are SQLite's measure
async def test_a_take_reads_the_rows_it_takes_not_the_backlog(store: Store) -> None:
    await accept_in_order(store, 20)
    small = await take_steps(store)
    backlog(store.path, 3000)  # type: ignore[attr-defined]
    large = await take_steps(store)
    assert large < small * 1.5, f"{large} VM steps with 3,020 due vs {small} with 20"
