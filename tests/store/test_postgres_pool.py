"""The PostgreSQL store's own pool (axis/store/postgres_pool.py): nothing sent to the server
when a connection is given back, and a connection in a state it cannot vouch for never reused."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from axis.store.postgres_pool import Pool, PoolClosed


@pytest.fixture
async def pool(pg_dsn: str) -> AsyncIterator[Pool]:
    opened = Pool(pg_dsn, 2, 10.0)
    await opened.start()
    try:
        yield opened
    finally:
        await opened.close()


async def backend_pid(pool: Pool) -> int:
    async with pool.acquire(5) as conn:
        return int(await conn.fetchval("SELECT pg_backend_pid()"))


async def test_giving_a_connection_back_sends_nothing_to_the_server(pool: Pool) -> None:
    sent: list[str] = []
    async with pool.acquire(5) as conn:
        conn.add_query_logger(lambda record: sent.append(record.query))
        await conn.fetchval("SELECT 1")
    async with pool.acquire(5) as again:
        assert again is conn
    await asyncio.sleep(0.05)  # query loggers are called soon, not at once
    assert sent == ["SELECT 1"]


async def test_a_healthy_connection_is_reused(pool: Pool) -> None:
    assert await backend_pid(pool) == await backend_pid(pool)


async def test_a_connection_cancelled_mid_query_is_closed_never_reused(pool: Pool) -> None:
    held: list[Any] = []
    first = await backend_pid(pool)

    async def slow() -> None:
        async with pool.acquire(5) as conn:
            held.append(conn)
            await conn.execute("SELECT pg_sleep(10)")

    task = asyncio.create_task(slow())
    await asyncio.sleep(0.3)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert held[0].is_closed()
    assert await backend_pid(pool) != first
    assert pool.in_use == 0


async def test_a_connection_left_inside_a_transaction_is_closed(pool: Pool) -> None:
    first = await backend_pid(pool)
    async with pool.acquire(5) as conn:
        await conn.execute("BEGIN")
    assert conn.is_closed()
    assert await backend_pid(pool) != first


async def test_a_connection_that_raised_a_database_error_is_closed(pool: Pool) -> None:
    with pytest.raises(asyncpg.PostgresError):
        async with pool.acquire(5) as conn:
            await conn.execute("SELECT no_such_column FROM no_such_table")
    assert conn.is_closed()


async def test_a_refusal_raised_between_statements_keeps_the_connection(pool: Pool) -> None:
    first = await backend_pid(pool)
    with pytest.raises(ValueError):
        async with pool.acquire(5) as conn:
            await conn.fetchval("SELECT 1")
            raise ValueError("refused by intake, not by the database")
    assert not conn.is_closed()
    assert await backend_pid(pool) == first


async def test_an_idle_connection_the_server_ended_is_never_handed_out(
    pool: Pool, pg_dsn: str
) -> None:
    first = await backend_pid(pool)
    killer = await asyncpg.connect(pg_dsn)
    try:
        await killer.execute("SELECT pg_terminate_backend($1)", first)
    finally:
        await killer.close()
    await asyncio.sleep(0.2)  # the server's goodbye reaches the idle connection
    assert await backend_pid(pool) != first
    assert pool.in_use == 0


async def test_callers_beyond_the_size_wait_and_time_out(pool: Pool) -> None:
    async with pool.acquire(5), pool.acquire(5):
        with pytest.raises(TimeoutError):
            async with pool.acquire(0.2):
                pass
        assert pool.in_use == 2
    assert pool.in_use == 0


async def test_a_waiter_gets_the_connection_given_back_or_the_place_freed(pool: Pool) -> None:
    release = asyncio.Event()

    async def hold(fail: bool) -> None:
        async with pool.acquire(5) as conn:
            await release.wait()
            if fail:
                await conn.execute("BEGIN")  # left open: the place is freed, not the conn

    holders = [asyncio.create_task(hold(fail)) for fail in (False, True)]
    await asyncio.sleep(0.1)
    waiters = [asyncio.create_task(backend_pid(pool)) for _ in range(2)]
    await asyncio.sleep(0.1)
    release.set()
    pids = await asyncio.gather(*waiters)
    await asyncio.gather(*holders)
    assert len(pids) == 2 and pool.in_use == 0


async def test_a_closed_pool_refuses_callers(pg_dsn: str) -> None:
    closed = Pool(pg_dsn, 1, 5.0)
    await closed.start()
    await closed.close()
    with pytest.raises(PoolClosed):
        async with closed.acquire(1):
            pass


async def test_a_unique_violation_outside_a_transaction_leaves_the_connection_reusable(
    pool: Pool,
) -> None:
    """A new document whose key another node took fails its one statement with a unique
    violation (intake/pipeline.py): a client retrying a package must not cost a reconnect."""
    async with pool.acquire(5) as conn:
        await conn.execute("CREATE TEMP TABLE once (k int PRIMARY KEY)")
        await conn.execute("INSERT INTO once VALUES (1)")
    with pytest.raises(asyncpg.UniqueViolationError):
        async with pool.acquire(5) as again:
            assert again is conn
            await again.execute("INSERT INTO once VALUES (1)")
    async with pool.acquire(5) as after:
        assert after is conn
        assert await after.fetchval("SELECT count(*) FROM once") == 1


async def test_a_unique_violation_inside_a_transaction_still_closes_the_connection(
    pool: Pool,
) -> None:
    async with pool.acquire(5) as conn:
        await conn.execute("CREATE TEMP TABLE once (k int PRIMARY KEY)")
        await conn.execute("INSERT INTO once VALUES (1)")
    with pytest.raises(asyncpg.UniqueViolationError):
        async with pool.acquire(5) as again:
            await again.execute("BEGIN")
            await again.execute("INSERT INTO once VALUES (1)")
    assert conn.is_closed()
