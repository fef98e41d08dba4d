"""A fresh PostgreSQL database for one bench hub: created before, dropped after.

The bench's PostgreSQL nodes (bench/run.py) each get their own database, so a run never reads
what an earlier one left and leaves nothing behind. BENCH_PG_DSN names the server (trust auth
on 127.0.0.1:5432, as the tests use).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import psutil

BASE_DSN = os.environ.get("BENCH_PG_DSN", "postgresql://root@127.0.0.1:5432/test")


async def available() -> str:
    """ "" when the server answers, else why not."""
    try:
        conn = await asyncpg.connect(BASE_DSN, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        return f"{type(exc).__name__}: {exc}"
    await conn.close()
    return ""


@asynccontextmanager
async def fresh_database() -> AsyncIterator[str]:
    """The DSN of a new, empty database, dropped (connections and all) on exit."""
    name = f"axis_bench_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(BASE_DSN)
    try:
        await conn.execute(f"CREATE DATABASE {name}")
    finally:
        await conn.close()
    parts = urlsplit(BASE_DSN)
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        conn = await asyncpg.connect(BASE_DSN)
        try:
            await conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        finally:
            await conn.close()


def database_of(dsn: str) -> str:
    """The database name a DSN points at."""
    return urlsplit(dsn).path.lstrip("/")


class BackendCpu:
    """CPU seconds the PostgreSQL server spent for one database: the backends serving it (found
    in pg_stat_activity, read from /proc through psutil) between ``start`` and ``seconds``.

    The hub's pool keeps its connections, so its backends live through a phase; a backend born
    during the phase counts whole, one that exits before ``seconds`` loses what it spent after
    ``start`` (the hub closes a connection only when it is in doubt). The server's shared
    processes (WAL writer, checkpointer) serve every database on the box and are not counted.
    """

    def __init__(self, database: str) -> None:
        self.database = database
        self._start: dict[int, float] = {}

    async def _pids(self) -> list[int]:
        conn = await asyncpg.connect(BASE_DSN)
        try:
            rows = await conn.fetch(
                "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
                self.database,
            )
        finally:
            await conn.close()
        return [int(row["pid"]) for row in rows]

    async def _cpu(self) -> dict[int, float]:
        used: dict[int, float] = {}
        for pid in await self._pids():
            with contextlib.suppress(psutil.Error):
                times = psutil.Process(pid).cpu_times()
                used[pid] = times.user + times.system
        return used

    async def start(self) -> None:
        self._start = await self._cpu()

    async def seconds(self) -> float:
        now = await self._cpu()
        return sum(used - self._start.get(pid, 0.0) for pid, used in now.items())
