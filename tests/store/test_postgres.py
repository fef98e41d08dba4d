"""What several nodes on one PostgreSQL database rely on: decided in the database, not in
one process (two PostgresStore instances here are two nodes)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from axis import config as config_mod
from axis.errors import StoreUnavailable
from axis.store import open_store
from axis.store.base import BLOB_CHUNK, FileBytes, Store
from axis.store.copy import copy_sqlite_to_postgres
from axis.store.events_postgres import APPEND_LOCK
from axis.store.postgres import PostgresStore
from tests.store.conftest import SYSTEM, new_document, save


@pytest.fixture
def store_backend(pg_dsn: str) -> str:
    return "postgres"


@pytest.fixture
async def other_node(store_cfg) -> AsyncIterator[Store]:
    node = await open_store(store_cfg)
    try:
        yield node
    finally:
        await node.close()


async def test_a_claim_on_one_node_holds_the_same_key_on_another_until_the_commit(
    store: Store, other_node: Store
) -> None:
    doc = new_document(b"<x/>")
    order: list[str] = []

    async def second() -> None:
        async with other_node.claim(["bytes:A:sha"]):
            order.append("second claimed")
            # Granted only once the first node's transaction committed: its row is visible.
            assert await other_node.find_duplicate(doc.from_agency, doc.sha256) is not None

    async with store.claim(["doc:1", "bytes:A:sha"]):
        waiting = asyncio.create_task(second())
        await asyncio.sleep(0.3)
        assert order == []  # still waiting on the first node's lock
        await save(store, doc)  # commits and releases; the grant may reach `second` first
        await asyncio.wait_for(waiting, 5)
    assert order == ["second claimed"]


async def test_a_refused_package_releases_its_claim(store: Store, other_node: Store) -> None:
    with pytest.raises(ValueError):
        async with store.claim(["k"]):
            raise ValueError("refused")
    async with asyncio.timeout(2), other_node.claim(["k"]):
        pass


async def test_the_database_refuses_a_second_copy_even_without_claims(
    store: Store, other_node: Store
) -> None:
    first = new_document(b"<same/>")
    await save(store, first)
    with pytest.raises(StoreUnavailable):
        await save(other_node, new_document(b"<same/>"))
    with pytest.raises(StoreUnavailable):  # a new document reusing a DocumentId (5.6.2)
        await save(other_node, new_document(b"<other/>", document_id=first.document_id))
    assert await store.count_documents() == 1


async def test_a_request_key_seen_by_one_node_is_a_replay_on_the_other(
    store: Store, other_node: Store
) -> None:
    assert await store.first_use("ef" * 32, 600)
    assert not await other_node.first_use("ef" * 32, 600)


async def test_an_expired_request_key_is_taken_over(store: Store) -> None:
    assert await store.first_use("12" * 32, 0.05)
    await asyncio.sleep(0.1)
    assert await store.first_use("12" * 32, 600)


async def test_an_acknowledgement_is_final_and_decided_once_across_nodes(
    store: Store, other_node: Store
) -> None:
    delivery = await save(store, new_document(b"<ack/>"))
    events = await store.count_events()
    answers = await asyncio.gather(
        store.acknowledge(delivery, SYSTEM, True, ""),
        other_node.acknowledge(delivery, SYSTEM, True, ""),
    )
    assert sorted(answers) == [False, True]  # one acknowledged, one saw it already done
    assert await store.acknowledge(delivery, SYSTEM, False, "broken") is False  # done is final
    assert (await store.get_delivery(delivery)).state == "done"  # type: ignore[union-attr]
    assert await store.count_events() == events + 1  # one "done" event, not two


async def test_store_copy_moves_a_sqlite_hub_into_postgresql(
    store: Store, store_cfg, tmp_path: Path
) -> None:
    sqlite_cfg = config_mod.replace(store_cfg, "store", backend="sqlite")
    source = await open_store(sqlite_cfg)
    body = bytes(range(256)) * (2 * BLOB_CHUNK // 256 + 7)
    spool = tmp_path / "big"
    spool.write_bytes(body)
    try:
        await source.import_agencies(await store.list_agencies())
        await source.add_system(SYSTEM, "secret")
        small = await save(source, new_document(b"<small/>"))
        big = await save(source, new_document(FileBytes(spool, 0, len(body))))
        await source.acknowledge(small, SYSTEM, True, "")
        events = await source.count_events()
    finally:
        await source.close()
    sqlite_path = str(tmp_path / "axis.db")
    assert isinstance(store, PostgresStore)
    async with store.transaction() as conn:  # the fixture seeded the target: empty it
        # (events are append-only, migration 010: emptying them takes deliberate DDL)
        await conn.execute("ALTER TABLE events DISABLE TRIGGER events_no_delete")
        for table in ("events", "systems", "agencies"):
            await conn.execute(f"DELETE FROM {table}")
        await conn.execute("ALTER TABLE events ENABLE TRIGGER events_no_delete")
    counts = await copy_sqlite_to_postgres(sqlite_path, store, say=lambda _: None)
    assert counts["documents"] == 2 and counts["events"] == events
    assert await store.count_events() == events
    await store.add_system("after-copy", "s")  # events.seq continues after the copied ones
    assert await store.count_events() == events + 1
    assert await store.fetch(big, SYSTEM) == body
    assert (await store.get_delivery(small)).state == "done"  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="already holds documents"):  # a move, not a merge
        await copy_sqlite_to_postgres(sqlite_path, store, say=lambda _: None)
    with sqlite3.connect(sqlite_path) as conn:
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 2


async def test_two_nodes_taking_leases_at_once_get_disjoint_work_and_idle_ones_wake(
    store: Store, other_node: Store
) -> None:
    assert isinstance(store, PostgresStore) and isinstance(other_node, PostgresStore)
    one, two = store.leases("node-1"), other_node.leases("node-2")
    names = [f"deliver:{n}" for n in range(8)]
    await one.offer(names)
    first, second = await asyncio.gather(one.take(8, 60), two.take(8, 60))  # at once
    assert not set(first) & set(second) and sorted(first + second) == names
    await one.offer(["x:1", "x:2", "x:3"])
    mine = await one.take(2, 60, prefix="x:")
    theirs = await two.take(8, 60, prefix="x:")
    assert len(mine) == 2 and theirs == sorted({"x:1", "x:2", "x:3"} - set(mine))
    assert await one.take(8, 60, prefix="x:") == mine  # renewing its own; no others
    assert await one.finish(mine[0]) and not await two.finish(mine[1])  # only the holder
    await one.release(mine[1])
    assert mine[1] in await two.take(8, 60, prefix="x:")

    waiting = asyncio.create_task(two.wait(5))
    await asyncio.sleep(0.2)  # the listener is up
    await one.offer(["seal:log"])
    assert await asyncio.wait_for(waiting, 3)  # woken by NOTIFY, not by the timeout
    assert not await two.wait(0.1)


async def test_a_lease_of_a_node_that_stopped_renewing_is_taken_after_it_expires(
    store: Store, other_node: Store
) -> None:
    assert isinstance(store, PostgresStore) and isinstance(other_node, PostgresStore)
    dead, alive = store.leases("dead"), other_node.leases("alive")
    await dead.offer(["bridge:hub-b"])
    assert await dead.take(1, 0.2) == ["bridge:hub-b"]
    assert await alive.take(1, 60) == []
    await asyncio.sleep(0.3)
    assert await alive.take(1, 60) == ["bridge:hub-b"]


async def test_a_replay_key_relaxes_only_its_own_commit(pg_dsn: str) -> None:
    """first_use commits without waiting for the WAL flush (docs/decisions.md "Replay keys
    committed without waiting for the disk"); the connection it used must go back to the
    pool with synchronous commits, or the next package stored on it would be acknowledged
    before it is on disk."""
    store = PostgresStore(pg_dsn, pool_size=1)
    await store.open()
    try:
        assert await store.first_use("34" * 32, 600)
        assert not await store.first_use("34" * 32, 600)
        async with store.transaction() as conn:  # the pool's one connection, used above
            assert await conn.fetchval("SHOW synchronous_commit") == "on"
            assert await conn.fetchval("SELECT count(*) FROM replay_keys") == 1
    finally:
        await store.close()


async def test_replay_keys_of_concurrent_requests_are_written_in_one_statement(
    pg_dsn: str, other_node: Store
) -> None:
    """postgres_replay.py: a batch per statement, each key still decided by the database."""
    store = PostgresStore(pg_dsn, pool_size=1)
    await store.open()
    statements: list[str] = []
    try:
        async with store.transaction() as conn:  # the pool's one connection, used below
            conn.add_query_logger(lambda record: statements.append(record.query))
        keys = [f"{n:02x}" * 32 for n in range(20)]
        firsts = await asyncio.gather(*(store.first_use(key, 600) for key in [*keys, keys[0]]))
        await asyncio.sleep(0.05)  # query loggers are called soon, not at once
        assert firsts.count(True) == 20 and not firsts[-1]  # the same key twice: one replay
        assert 1 <= len([s for s in statements if "replay_keys (key" in s]) <= 2
        assert not any(await asyncio.gather(*(other_node.first_use(k, 600) for k in keys)))
    finally:
        await store.close()


async def test_an_appender_is_not_queued_behind_a_chainer_waiting_for_the_append_lock(
    pg_dsn: str, store: Store
) -> None:
    """events_postgres._append_lock: the chainer tries the exclusive lock before it waits, so
    while one appender is open a new one still starts at once (a waiting exclusive request
    would queue it), and the chainer links once the open one commits."""
    slow, fresh = await asyncpg.connect(pg_dsn), await asyncpg.connect(pg_dsn)
    try:
        await slow.execute("BEGIN")
        await slow.execute("SELECT pg_advisory_xact_lock_shared($1)", APPEND_LOCK)
        chaining = asyncio.create_task(store.chain_pending())  # type: ignore[attr-defined]
        await asyncio.sleep(0.03)  # the chainer is trying by now
        async with fresh.transaction():
            await asyncio.wait_for(
                fresh.execute("SELECT pg_advisory_xact_lock_shared($1)", APPEND_LOCK), 0.05
            )
        assert not chaining.done()  # it cannot link past the open appender
        await slow.execute("COMMIT")
        await asyncio.wait_for(chaining, 5)
    finally:
        await slow.close()
        await fresh.close()


async def test_package_bodies_are_compressed_with_lz4_when_the_server_has_it(pg_dsn: str) -> None:
    """Migration 012: TOAST compresses a 10 KB body on every insert, and pglz costs the server
    about twice lz4's CPU (docs/performance.md "Where a PostgreSQL node's server time goes")."""
    store = PostgresStore(pg_dsn, pool_size=1)
    await store.open()
    try:
        async with store.transaction() as conn:
            methods = await conn.fetchval(
                "SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'"
            )
            if "lz4" not in methods:
                pytest.skip("this PostgreSQL was built without lz4")
            chosen = await conn.fetch(
                "SELECT attrelid::regclass::text AS t, attcompression::text FROM pg_attribute "
                "WHERE attname = 'data' AND attrelid IN ('documents'::regclass, "
                "'document_chunks'::regclass) ORDER BY 1"
            )
            assert [(r["t"], r["attcompression"]) for r in chosen] == [
                ("document_chunks", "l"),
                ("documents", "l"),
            ]
    finally:
        await store.close()
