"""Status packages keep their order on a push endpoint (docs/decisions.md "Status packages keep
their order between hubs"): a status delivery is not leased while an earlier status delivery
from the same reporting agency about the same document to the same endpoint is still open.
On a real store (both backends; two stores on one database stand for two nodes) and a real
push receiver on loopback; time is a ManualClock."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import sqlite3

import asyncpg

from axis.config import Config
from axis.delivery.clock import ManualClock, iso
from axis.store import open_store, store_path
from axis.store.base import NewDelivery, NewDocument, Store
from tests.delivery.conftest import (
    PUSHED,
    RECIPIENT,
    SENDER,
    http_push,
    new_document,
    queue_manager,
    settle,
)
from tests.support.push_receiver import Receiver

OTHER_REPORTER = "000.00.00.G10"
NOW, LEASE = "9999-01-01T00:00:00.000+00:00", "9999-12-31T00:00:00.000+00:00"
_numbers = itertools.count(1)
_accepted = itertools.count(1)  # acceptance order: each status a millisecond after the last


async def original(store: Store) -> str:
    """A document sent by SENDER (its own delivery is not this test's business)."""
    doc, _ = new_document()
    await store.save_incoming(doc, [])
    return doc.id


async def status(store: Store, about: str, code: str, reporter: str = RECIPIENT) -> str:
    """``reporter``'s status ``code`` about ``about``, accepted now and routed back to SENDER
    through the endpoint PUSHED (a hub hop, say); its delivery id."""
    n = next(_numbers)
    data = f"<edXML n='s{n}'><StatusCode>{code}</StatusCode></edXML>".encode()
    created_at = iso(ManualClock(1_800_000_000.0).now() + next(_accepted) / 1000)
    doc = NewDocument(
        id=f"status-{n:06d}", from_agency=reporter, system_id="00.41.D01", message_type="status",
        document_id=f"{SENDER},2026/12/02,{n}/TEST", business_type=0, original_id=about,
        status_code=code, sha256=hashlib.sha256(data).hexdigest(), data=data, subject="",
        notation="", findings=(), created_at=created_at,
    )  # fmt: skip
    delivery = NewDelivery(f"sdlv-{n:06d}", SENDER, "status", PUSHED)
    await store.save_incoming(doc, [delivery])
    return delivery.id


def document_of(delivery: str) -> str:
    return delivery.replace("sdlv-", "status-")


async def taken(store: Store, now: str = NOW) -> set[str]:
    """What one take at ``now`` leases (until the end of time: a taken one stays leased)."""
    return {row.delivery_id for row in await store.push_take(PUSHED, now, LEASE, 50)}


async def test_a_status_is_not_leased_while_an_earlier_one_of_its_agency_on_the_document_is_open(
    store: Store,
) -> None:
    about, elsewhere = await original(store), await original(store)
    first = await status(store, about, "01")
    third = await status(store, about, "03")
    last = await status(store, about, "06")
    others = {
        await status(store, about, "01", reporter=OTHER_REPORTER),  # another agency
        await status(store, elsewhere, "06"),  # another document
    }
    # the first of each (agency, document) goes; 03 and 06 wait behind the 01
    assert await taken(store) == {first, *others}
    for delivery in others:
        await store.push_done(delivery, PUSHED, "pushed")
    # a temporary failure keeps it open: backing off, it is still ahead of the others
    await store.push_retry(first, "9999-01-03", "4.9.3 delivery.endpoint-unavailable: down")
    assert await taken(store, "9999-01-02") == set()
    assert await taken(store, "9999-01-03") == {first}
    await store.push_done(first, PUSHED, "pushed")
    assert await taken(store, "9999-01-04") == {third}  # the next one, and only that one
    await store.push_give_up(third, PUSHED, "fail", "5.9.2 delivery.refused-by-endpoint: no")
    assert await taken(store, "9999-01-05") == {last}  # a failed one has ended too


async def test_a_quarantined_status_holds_the_later_ones_until_it_ends(store: Store) -> None:
    about = await original(store)
    first, last = await status(store, about, "01"), await status(store, about, "06")
    assert await taken(store) == {first}
    await store.push_quarantine(first, "4.9.4 delivery.quarantined: the adapter raised")
    assert await taken(store, "9999-01-02") == set()  # set aside is not ended: 06 waits
    assert await store.push_release(first)
    assert await taken(store, "9999-01-03") == {first}
    await store.push_done(first, PUSHED, "pushed")
    assert await taken(store, "9999-01-04") == {last}


async def test_statuses_moved_to_a_successor_keep_their_order(store: Store) -> None:
    """A reorganisation hands the open deliveries of a retired agency to its successor: new
    rows, made at one instant, still in the order the statuses were accepted."""
    about = await original(store)
    first, last = await status(store, about, "01"), await status(store, about, "06")
    successor = "000.00.00.G10"
    assert await store.retire_to_successors(SENDER, {successor: PUSHED}, iso(1_900_000_000.0)) == 2
    for moved in (first, last):
        [row] = await store.push_take(PUSHED, NOW, LEASE, 50)
        assert (row.doc_id, row.agency) == (document_of(moved), successor)
        assert await taken(store) == set()  # the next waits for this one
        await store.push_done(row.delivery_id, PUSHED, "pushed")


UNDO_014 = (
    "DROP INDEX deliveries_open_statuses",
    "ALTER TABLE deliveries DROP COLUMN status_at",
    "ALTER TABLE deliveries DROP COLUMN status_key",
    "DELETE FROM schema_migrations WHERE number = 14",
)


async def test_statuses_waiting_when_the_store_is_upgraded_keep_their_order(
    store: Store, store_cfg: Config
) -> None:
    """Migration 014 marks the status deliveries already open, so they wait their turn too."""
    about = await original(store)
    first, last = await status(store, about, "01"), await status(store, about, "06")
    await run_sql(store_cfg, UNDO_014)  # as a store written before 014 holds them
    upgraded = await open_store(store_cfg)  # applies 014 again
    try:
        for expected in (first, last):
            assert {row.delivery_id for row in await upgraded.push_take(PUSHED, NOW, LEASE, 9)} == {
                expected
            }
            await upgraded.push_done(expected, PUSHED, "pushed")
    finally:
        await upgraded.close()


async def run_sql(cfg: Config, statements: tuple[str, ...]) -> None:
    """Plain SQL on the store's database, beside the store."""
    if cfg.store.backend == "postgres":
        conn = await asyncpg.connect(cfg.store.dsn)
        try:
            for sql in statements:
                await conn.execute(sql)
        finally:
            await conn.close()
        return
    with contextlib.closing(sqlite3.connect(store_path(cfg))) as db, db:
        for sql in statements:
            db.execute(sql)


async def test_two_nodes_taking_at_once_lease_only_the_first_status(
    store: Store, store_cfg: Config
) -> None:
    """Two stores on one database (PostgreSQL: two nodes; SQLite: two connections to the file)."""
    about = await original(store)
    codes = ("01", "03", "04", "05", "05", "06")
    ids = [await status(store, about, code) for code in codes]
    other = await open_store(store_cfg)
    try:
        for expected in ids:
            pages = await asyncio.gather(
                *(s.push_take(PUSHED, NOW, LEASE, 10) for s in (store, other, store, other))
            )
            assert sorted(row.delivery_id for page in pages for row in page) == [expected]
            await other.push_done(expected, PUSHED, "pushed")
    finally:
        await other.close()


async def test_the_queue_manager_sends_the_next_status_only_after_the_first_is_answered(
    store: Store, receiver: Receiver
) -> None:
    """The endpoint holds its answer to the 01 (a slow province): the 06 is not sent meanwhile,
    however many slots are free, and goes in the round right after the 01 ends."""
    about = await original(store)
    first, last = await status(store, about, "01"), await status(store, about, "06")
    manager = queue_manager(store, {PUSHED: http_push(receiver)}, ManualClock())
    receiver.mode = "slow"
    try:
        assert await manager.run_once() == 1
        for _ in range(20):  # the 01 is in flight: rounds that look again start nothing
            await asyncio.sleep(0.01)
            manager.wake([PUSHED])
            assert await manager.run_once() == 0
        assert list(receiver.requests) == [first]
        receiver.release.set()
        await manager.drain()
        assert await settle(manager) == 1  # at once: no poll wait, and the clock has not moved
        assert [delivery for delivery, _ in receiver.attempts] == [first, last]
    finally:
        receiver.release.set()
        await manager.close()
