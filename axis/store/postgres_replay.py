"""The shared replay cache on PostgreSQL, written in batches: one statement for the keys of
every request that arrived while the previous statement ran.

Part of the PostgreSQL store (postgres.py's ``first_use``, asked by api/auth.py for every
signed request, docs/security.md). Each key is still one ``INSERT ... ON CONFLICT`` row decided
by the database, so a request replayed to another node is refused there as before; what the
batch saves is the round trip, the pooled connection and the commit per request (group commit,
as SQLite's writer does: docs/performance.md). A request waits for no timer: a statement starts
as soon as none is running, with whatever keys are waiting.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

# Every key of one batch in one statement; its commit does not wait for the WAL flush
# (synchronous_commit off for this one transaction only; docs/decisions.md "Replay keys
# committed without waiting for the disk"). A key comes back when it was inserted or an
# expired row was taken over: its first use. A live row: a replay.
FIRST_USE = (
    "WITH relaxed AS (SELECT set_config('synchronous_commit', 'off', true)) "
    "INSERT INTO replay_keys (key, expires_at) "
    "SELECT k.key, now() + make_interval(secs => k.keep) "
    "FROM relaxed, unnest($1::bytea[], $2::float8[]) AS k(key, keep) "
    "ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at "
    "WHERE replay_keys.expires_at < now() RETURNING key"
)
PRUNE = "DELETE FROM replay_keys WHERE expires_at < now()"
# How often expired replay keys are deleted (by whichever node notices first).
PRUNE_EVERY_S = 30.0
# Keys per statement at most (a burst beyond this waits for the next statement).
BATCH_MAX = 512


class ReplayKeys:
    """``await keys.first_use(digest, keep_s)``: True the first time a digest is seen (by any
    node) within its keep time."""

    def __init__(self, connection: Callable[[], AbstractAsyncContextManager[Any]]) -> None:
        self._connection = connection  # a pooled connection (never a claim's: see FIRST_USE)
        self._waiting: dict[bytes, tuple[float, asyncio.Future[bool]]] = {}
        self._writer: asyncio.Task[None] | None = None
        self._next_prune = 0.0

    async def first_use(self, digest: bytes, keep_s: float) -> bool:
        if digest in self._waiting:
            return False  # the same request twice in one batch: the second is a replay
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting[digest] = (float(keep_s), future)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all())
        return await future

    async def _write_all(self) -> None:
        while self._waiting:
            batch = dict(list(self._waiting.items())[:BATCH_MAX])
            try:
                first = await self._write(batch)
            except Exception as exc:  # every waiter of this batch gets the failure
                self._settle(batch, exc, set())
                continue
            except BaseException:  # cancelled (the store is closing): so are its waiters
                self._settle(batch, None, set(), cancel=True)
                raise
            self._settle(batch, None, first)

    async def _write(self, batch: dict[bytes, tuple[float, asyncio.Future[bool]]]) -> set[bytes]:
        async with self._connection() as conn:
            if time.monotonic() >= self._next_prune:
                self._next_prune = time.monotonic() + PRUNE_EVERY_S
                await conn.execute(PRUNE)
            rows = await conn.fetch(FIRST_USE, list(batch), [keep for keep, _ in batch.values()])
        return {bytes(row[0]) for row in rows}

    def _settle(
        self,
        batch: dict[bytes, tuple[float, asyncio.Future[bool]]],
        failure: BaseException | None,
        first: set[bytes],
        *,
        cancel: bool = False,
    ) -> None:
        for digest, (_, future) in batch.items():
            del self._waiting[digest]
            if future.done():  # its request was cancelled meanwhile
                continue
            if cancel:
                future.cancel()
            elif failure is not None:
                future.set_exception(failure)
            else:
                future.set_result(digest in first)
