"""The console's queries on PostgreSQL (console_queries.py): pooled connections, ``$n`` marks.

The shared SQL is written with ``?`` placeholders; they are numbered here as the store's own
shared queries are (placeholders.numbered).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from axis.store.console_queries import ConsoleQueries
from axis.store.placeholders import numbered


class PostgresConsole(ConsoleQueries):
    async def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        raise NotImplementedError

    def transaction(self) -> Any:
        raise NotImplementedError

    async def _console_read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return await self._read(sql, params)

    async def _console_write(self, sql: str, params: Sequence[Any] = ()) -> int:

        async with self.transaction() as conn:
            status = await conn.execute(numbered(sql), *params)
        return int(str(status).rsplit(" ", 1)[-1]) if str(status)[-1:].isdigit() else 0
