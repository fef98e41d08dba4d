"""Leases: work that belongs to one node at a time, on PostgreSQL (docs/operations.md).

Part of the PostgreSQL store, for what later issues add (delivery leases, bridge forwarding,
log sealing): a named piece of work is offered once; a node takes a batch of free ones with
``FOR UPDATE SKIP LOCKED`` (two nodes taking at once get disjoint batches, neither waits), holds
each until its expiry (renewed by taking it again), and finishes or releases it. A node that dies
simply lets its leases expire. Offers and releases NOTIFY ``axis_work``, so idle nodes wake at
once instead of polling.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

CHANNEL = "axis_work"

TAKE = (
    "UPDATE leases SET holder = $1, expires_at = now() + make_interval(secs => $2) "
    "WHERE name IN (SELECT name FROM leases WHERE (expires_at <= now() OR holder = $1) "
    "AND name LIKE $3 ORDER BY expires_at, name LIMIT $4 FOR UPDATE SKIP LOCKED) RETURNING name"
)


class Leases:
    """One node's (``holder``'s) view of the leases table, over ``transaction()`` (a pooled
    connection in a transaction) and ``connect()`` (a dedicated one for LISTEN)."""

    def __init__(
        self,
        holder: str,
        transaction: Callable[[], contextlib.AbstractAsyncContextManager[Any]],
        connect: Callable[[], Awaitable[Any]],
    ) -> None:
        self.holder = holder
        self._transaction = transaction
        self._connect = connect
        self._listener: Any = None
        self._wake = asyncio.Event()

    async def offer(self, names: Sequence[str]) -> None:
        """New work (already known names are left as they are); wakes waiting nodes."""
        async with self._transaction() as conn:
            await conn.executemany(
                "INSERT INTO leases (name) VALUES ($1) ON CONFLICT (name) DO NOTHING",
                [(name,) for name in names],
            )
            await conn.execute("SELECT pg_notify($1, '')", CHANNEL)

    async def take(self, limit: int, ttl_s: float, prefix: str = "") -> list[str]:
        """Up to ``limit`` free (or expired, or already ours) leases, ours for ``ttl_s``."""
        async with self._transaction() as conn:
            rows = await conn.fetch(TAKE, self.holder, float(ttl_s), prefix + "%", limit)
        return sorted(row[0] for row in rows)

    async def finish(self, name: str) -> bool:
        """The work is done: the lease is gone. False if it was no longer ours."""
        async with self._transaction() as conn:
            gone = await conn.fetchval(
                "DELETE FROM leases WHERE name = $1 AND holder = $2 RETURNING 1", name, self.holder
            )
        return bool(gone)

    async def release(self, name: str) -> None:
        """Give the work back undone (another node may take it now)."""
        async with self._transaction() as conn:
            await conn.execute(
                "UPDATE leases SET holder = '', expires_at = now() WHERE name = $1 AND holder = $2",
                name, self.holder,
            )  # fmt: skip
            await conn.execute("SELECT pg_notify($1, '')", CHANNEL)

    async def wait(self, timeout_s: float) -> bool:
        """Until work is offered or released (True) or ``timeout_s`` passes (False)."""
        if self._listener is None:
            self._listener = await self._connect()
            await self._listener.add_listener(CHANNEL, lambda *_: self._wake.set())
        self._wake.clear()
        try:
            await asyncio.wait_for(self._wake.wait(), timeout_s)
        except TimeoutError:
            return False
        return True

    async def close(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            await listener.close()
