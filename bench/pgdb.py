"""A fresh PostgreSQL database for one bench hub: created before, dropped after.

The bench's PostgreSQL nodes (bench/run.py) each get their own database, so a run never reads
what an earlier one left and leaves nothing behind. BENCH_PG_DSN names the server (trust auth
on 127.0.0.1:5432, as the tests use).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit, urlunsplit

import asyncpg

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
