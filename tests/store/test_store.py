"""The Store protocol holds the same on SQLite and PostgreSQL (each test runs on both)."""

from __future__ import annotations

import os
from pathlib import Path

from axis.store.base import BLOB_CHUNK, FileBytes, Store
from axis.store.migrate import migrations
from tests.store.conftest import SYSTEM, new_document, save


def test_both_backends_share_one_numbered_migration_list() -> None:
    sqlite, postgres = migrations("sqlite"), migrations("postgres")
    assert [m.number for m in sqlite] == [m.number for m in postgres]
    assert [m.number for m in sqlite] == sorted({m.number for m in sqlite})


async def test_a_stored_package_comes_back_byte_identical(store: Store) -> None:
    data = b"<edXMLEnvelope>" + os.urandom(1000) + b"</edXMLEnvelope>"
    delivery = await save(store, new_document(data))
    assert await store.fetch(delivery, SYSTEM) == data
    assert (await store.get_delivery(delivery)).state == "fetched"  # type: ignore[union-attr]


async def test_a_spooled_package_is_stored_and_streamed_back_in_chunks(
    store: Store, tmp_path: Path
) -> None:
    body = os.urandom(3 * BLOB_CHUNK + 12345)
    spool = tmp_path / "spool"
    spool.write_bytes(b"HEAD" + body)
    delivery = await save(store, new_document(FileBytes(spool, 4, len(body))))
    blob = await store.fetch_document(delivery, SYSTEM, inline_up_to=1 << 20)
    assert not isinstance(blob, bytes) and blob is not None
    assert blob.size == len(body)
    chunks = [chunk async for chunk in blob.chunks()]
    assert all(len(chunk) % 3 == 0 and len(chunk) <= BLOB_CHUNK for chunk in chunks[:-1])
    assert b"".join(chunks) == body
    assert await store.fetch(delivery, SYSTEM) == body


async def test_a_replayed_request_key_is_refused_until_it_expires(store: Store) -> None:
    key = "ab" * 32
    assert await store.first_use(key, 600)
    assert not await store.first_use(key, 600)
    assert await store.first_use("cd" * 32, 600)


async def test_reopening_a_store_applies_no_migration_twice(store: Store, store_cfg) -> None:
    from axis.store import open_store

    again = await open_store(store_cfg)  # would fail on CREATE TABLE if 001 ran again
    try:
        assert await again.count_agencies() == 2
    finally:
        await again.close()


async def test_paging_the_sent_list_shows_every_row_once_even_when_times_tie(
    store: Store,
) -> None:
    """Nodes store many packages in one millisecond: rows with equal times must still page
    in one fixed order (PostgreSQL orders ties differently for different LIMIT/OFFSET)."""
    at = "2026-12-02T10:00:00.000+00:00"
    for n in range(60):
        await save(store, new_document(f"<tie n='{n}'/>".encode(), created_at=at))
    everything = {(r.doc_id, r.delivery_id) for r in await store.list_sent("00.00.G22")}
    assert len(everything) == 60
    paged = []
    for offset in range(0, 60, 7):
        paged += [(r.doc_id, r.delivery_id) for r in await store.list_sent("00.00.G22", 7, offset)]
    assert sorted(paged) == sorted(everything)


async def test_fetch_delivery_hands_out_only_the_callers_delivery_and_marks_only_that(
    store: Store,
) -> None:
    """getEdoc's one read: a stranger gets None and the delivery stays queued (5.1.8 above)."""
    data = b"<edXMLEnvelope>mine</edXMLEnvelope>"
    delivery = await save(store, new_document(data))
    assert await store.fetch_delivery(delivery, "00.00.G22", 1 << 20) is None  # the sender's
    assert await store.fetch_delivery("no-such-id", SYSTEM, 1 << 20) is None
    assert (await store.get_delivery(delivery)).state == "queued"  # type: ignore[union-attr]
    events = await store.count_events()
    found = await store.fetch_delivery(delivery, SYSTEM, 1 << 20)
    assert found is not None
    row, body = found
    assert (row.delivery_id, row.state, row.agency_system, body) == (
        delivery, "queued", SYSTEM, data,
    )  # fmt: skip
    again = await store.fetch_delivery(delivery, SYSTEM, 1 << 20)
    assert again is not None and again[0].state == "fetched" and again[1] == data
    assert await store.count_events() == events + 1  # one "fetched", however often fetched


async def test_marks_in_one_group_commit_keep_their_order(store: Store, store_backend) -> None:
    """Acknowledgements of one delivery submitted together are written in one SQLite batch
    (sqlite_marks.py), in order: as if each had its own transaction. PostgreSQL writes each
    in its own transaction, so concurrent ones have no order to keep: there the same calls
    run one after another."""
    import asyncio

    delivery = await save(store, new_document(b"<edXMLEnvelope>order</edXMLEnvelope>"))
    assert await store.fetch_delivery(delivery, SYSTEM, 1 << 20) is not None
    events = await store.count_events()
    calls = [
        lambda: store.acknowledge(delivery, SYSTEM, False, "bad attachment"),
        lambda: store.acknowledge(delivery, SYSTEM, True, ""),
        lambda: store.acknowledge(delivery, SYSTEM, False, "too late"),
        lambda: store.acknowledge(delivery, SYSTEM, True, ""),
    ]
    if store_backend == "sqlite":  # submitted before the batch is written: one batch
        results = await asyncio.gather(*(call() for call in calls))
    else:
        results = [await call() for call in calls]
    assert results == [True, True, False, False]  # fail, done, then done is final
    row = await store.get_delivery(delivery)
    assert row is not None and (row.state, row.last_error) == ("done", "")
    assert await store.count_events() == events + 2  # fail, done


async def test_dedupe_lookup_answers_both_questions_in_one_read(store: Store) -> None:
    first = new_document(b"<edXMLEnvelope>one</edXMLEnvelope>", document_id="doc-1")
    await save(store, first)
    status = new_document(b"<s/>", message_type="status", document_id="doc-2")
    await save(store, status)
    found, taken = await store.dedupe_lookup(first.from_agency, first.sha256, "doc-1")
    assert found is not None and found.id == first.id and taken
    found, taken = await store.dedupe_lookup(first.from_agency, "0" * 64, "doc-1")
    assert found is None and taken
    found, taken = await store.dedupe_lookup(first.from_agency, "0" * 64, "doc-2")
    assert found is None and not taken  # a status's DocumentId is not a new edoc's
    found, taken = await store.dedupe_lookup("000.00.00.X99", first.sha256, "doc-1")
    assert found is None and not taken  # another sender's
    found, taken = await store.dedupe_lookup(first.from_agency, first.sha256, None)
    assert found is not None and not taken


async def test_acknowledge_own_changes_only_the_callers_delivery_and_done_once(
    store: Store,
) -> None:
    delivery = await save(store, new_document(b"<edXMLEnvelope>ack</edXMLEnvelope>"))
    assert await store.acknowledge_own(delivery, "00.00.G22", True, "") is None  # the sender's
    assert (await store.get_delivery(delivery)).state == "queued"  # type: ignore[union-attr]
    assert await store.acknowledge_own("no-such-delivery", SYSTEM, True, "") is None
    first = await store.acknowledge_own(delivery, SYSTEM, True, "")
    assert first is not None and first[1] and first[0].delivery_id == delivery
    assert first[0].state == "queued"  # the row as it was
    again = await store.acknowledge_own(delivery, SYSTEM, False, "late failure")
    assert again is not None and not again[1]  # done is final
    assert (await store.get_delivery(delivery)).state == "done"  # type: ignore[union-attr]
