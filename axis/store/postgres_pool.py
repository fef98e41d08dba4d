"""The PostgreSQL store's connection pool: no reset query per release, no doubtful reuse.

Part of the PostgreSQL store (postgres.py takes every pooled connection from here; the work
leases' LISTEN connections are their own). asyncpg's Pool runs a reset query (ROLLBACK if
needed, then ``SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL``) on every
release: one more round trip per store call, as many as the call itself on the hot paths
(docs/performance.md "What moved the figures"). The store leaves no session state behind on a
pooled connection (its advisory locks are transaction-scoped or unlocked in ``finally``, its
settings transaction-local, its LISTENs on their own connections), so this pool hands a
connection back as it is, and instead refuses to reuse one whose state it cannot vouch for
(docs/decisions.md "Our own PostgreSQL pool"):
- the caller left with a cancellation, a driver or network error, or a database error
  (cancelled mid-query, an aborted transaction, a session lock whose unlock failed, a server
  that went away): the connection is terminated;
- the connection is closed, or still inside a transaction: terminated too.
A unique violation alone is no doubt (the connection is reused when outside a transaction).
A terminated connection frees its place: the next acquire opens a fresh one.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

# Exceptions after which a connection's state is unknown (anything else, such as a refusal
# raised by intake between two statements, leaves it as it was).
DOUBTFUL: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
)


class PoolClosed(Exception):
    """The pool was closed while a caller waited for a connection."""


class Pool:
    """At most ``size`` connections to ``dsn``, opened on demand and kept while healthy."""

    def __init__(self, dsn: str, size: int, connect_timeout: float) -> None:
        self.dsn = dsn
        self.size = size
        self.connect_timeout = connect_timeout
        self._idle: collections.deque[asyncpg.Connection] = collections.deque()
        # Each waiter gets a connection, or None: "a place is free, open one".
        self._waiters: collections.deque[asyncio.Future[asyncpg.Connection | None]] = (
            collections.deque()
        )
        self._places = 0  # connections open or being opened
        self._closed = False

    async def start(self) -> None:
        """Open one connection now, so a wrong DSN or a server that is down fails early."""
        async with self.acquire(self.connect_timeout):
            pass

    @asynccontextmanager
    async def acquire(self, timeout: float) -> AsyncIterator[asyncpg.Connection]:
        """A connection for the body; given back, or terminated when in doubt (see above)."""
        conn = await self._take(timeout)
        try:
            yield conn
        except BaseException as exc:
            self._give_back(conn, reusable=not _doubtful(exc))
            raise
        self._give_back(conn, reusable=True)

    async def close(self) -> None:
        """Close the idle connections; those in use are terminated when given back."""
        self._closed = True
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_exception(PoolClosed("the store is closed"))
        idle, self._idle = list(self._idle), collections.deque()
        self._places -= len(idle)
        for conn in idle:
            try:
                await asyncio.wait_for(conn.close(), self.connect_timeout)
            except DOUBTFUL:
                conn.terminate()

    def terminate(self) -> None:
        """Terminate every idle connection at once (no goodbye to the server)."""
        self._closed = True
        while self._idle:
            self._idle.popleft().terminate()
            self._places -= 1

    @property
    def in_use(self) -> int:
        """Connections handed out now (for tests and metrics)."""
        return self._places - len(self._idle)

    async def _take(self, timeout: float) -> asyncpg.Connection:
        if self._closed:
            raise PoolClosed("the store is closed")
        while self._idle:
            conn = self._idle.pop()  # the most recently used: its cache and socket are warm
            if not conn.is_closed():
                return conn
            self._places -= 1
        if self._places < self.size:
            return await self._open()
        waiter: asyncio.Future[asyncpg.Connection | None] = (
            asyncio.get_running_loop().create_future()
        )
        self._waiters.append(waiter)
        try:
            got = await asyncio.wait_for(asyncio.shield(waiter), timeout)
        except BaseException:
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                self._release(waiter.result())  # handed over as we gave up: pass it on
            else:
                waiter.cancel()
            raise
        return got if got is not None else await self._open()

    async def _open(self) -> asyncpg.Connection:
        """A new connection in a place this caller holds (given up if connecting fails)."""
        self._places += 1
        try:
            return await asyncpg.connect(self.dsn, timeout=self.connect_timeout)
        except BaseException:
            self._places -= 1
            self._release(None)
            raise

    def _give_back(self, conn: asyncpg.Connection, *, reusable: bool) -> None:
        if self._closed or not reusable or conn.is_closed() or conn.is_in_transaction():
            conn.terminate()
            self._places -= 1
            self._release(None)
            return
        self._release(conn)

    def _release(self, conn: asyncpg.Connection | None) -> None:
        """Hand ``conn`` (or a free place, None) to the first waiter still waiting."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(conn)
                return
        if conn is not None:
            self._idle.append(conn)


def _doubtful(exc: BaseException) -> bool:
    """A cancellation (possibly mid-query) or a driver, network or database error. A unique
    violation is not: the statement failed whole and the server said so (a new document whose
    key is taken, intake/pipeline.py); a transaction it aborted is caught by _give_back."""
    if isinstance(exc, asyncpg.UniqueViolationError):
        return False
    return not isinstance(exc, Exception) or isinstance(exc, DOUBTFUL)
