"""Fixtures for the delivery-log tests: the real hub (tests/hub), a store with real traffic,
the CLI run as an operator runs it (its own event loop, in a thread), and raw SQL on either
backend for the tampering tests."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import asyncpg

from axis.cli import main
from axis.config import Config
from axis.store import store_path
from tests.hub.conftest import A, B, C, hub, hub_cfg, pki

__all__ = ["A", "B", "C", "hub", "hub_cfg", "pki"]


def write_config(cfg: Config, path: Path) -> Path:
    """The settings the CLI needs to reach the same store, key and trust as ``cfg``."""
    lines = [
        "[hub]",
        f'data_dir = "{cfg.hub.data_dir}"',
        f'key_dir = "{cfg.hub.key_dir}"',
        "[signature]",
        f'trust_dir = "{cfg.signature.trust_dir}"',
        "[store]",
        f'backend = "{cfg.store.backend}"',
        f'path = "{cfg.store.path}"',
        f'dsn = "{cfg.store.dsn}"',
        "[eventlog]",
        f"holidays = {json.dumps(cfg.eventlog.holidays)}",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


async def cli(*argv: str) -> tuple[int, str]:
    """``axis ARGV`` in a thread (the CLI runs its own event loop); exit code and stdout."""

    def run() -> tuple[int, str]:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(list(argv))
        return code, out.getvalue()

    return await asyncio.to_thread(run)


async def cli_json(*argv: str) -> tuple[int, Any]:
    code, out = await cli(*argv, "--json")
    return code, json.loads(out)


# Migration 010's guard: UPDATE, DELETE (and on PostgreSQL TRUNCATE) of an event row is refused.
# Tampering therefore starts with deliberate DDL, as these statements are.
DROP_GUARD: dict[str, list[str]] = {
    "sqlite": ["DROP TRIGGER events_no_update", "DROP TRIGGER events_no_delete"],
    "postgres": ["DROP FUNCTION events_append_only() CASCADE"],
}


async def drop_guard(cfg: Config) -> None:
    """Drop the events table's append-only triggers, as someone set on tampering would."""
    await raw_sql(cfg, [(sql, ()) for sql in DROP_GUARD[cfg.store.backend]])


async def raw_sql(cfg: Config, statements: Sequence[tuple[str, Sequence[Any]]]) -> list[Any]:
    """Run SQL straight on the store's database, as someone with database access would
    (``?`` placeholders; numbered for PostgreSQL). The last statement's rows."""
    rows: list[Any] = []
    if cfg.store.backend == "sqlite":
        conn = sqlite3.connect(store_path(cfg), isolation_level=None)
        try:
            for sql, params in statements:
                rows = conn.execute(sql, params).fetchall()
        finally:
            conn.close()
        return rows
    from axis.store.placeholders import numbered

    pg = await asyncpg.connect(cfg.store.dsn)
    try:
        for sql, params in statements:
            rows = list(await pg.fetch(numbered(sql), *params))
    finally:
        await pg.close()
    return rows
