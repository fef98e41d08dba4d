"""The console's queries on SQLite (console_queries.py): reads on a connection of their own.

A console search may walk many rows (a subject substring over a year of documents); on the
store's shared reader connection it would hold up every DMS's inbox read meanwhile. So each
console read opens its own read-only connection (WAL lets it run beside the writer) and closes
it after; writes (operators, sessions) go through the store's one writer.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

import aiosqlite

from axis.errors import StoreUnavailable
from axis.store.console_queries import ConsoleQueries


class SqliteConsole(ConsoleQueries):
    path: str

    async def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        raise NotImplementedError

    def transaction(self) -> Any:
        raise NotImplementedError

    async def _console_read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        if self.path == ":memory:":  # another connection cannot see an in-memory database
            return await self._read(sql, params)
        try:
            async with aiosqlite.connect(f"file:{self.path}?mode=ro", uri=True) as conn:
                await conn.execute("PRAGMA busy_timeout = 5000")
                return list(await conn.execute_fetchall(sql, params))
        except sqlite3.Error as exc:
            raise StoreUnavailable(str(exc)) from exc

    async def _console_write(self, sql: str, params: Sequence[Any] = ()) -> int:
        async with self.transaction() as conn:
            cursor = await conn.execute(sql, params)
            return int(cursor.rowcount)
