"""SQLite's half of the tiers store methods (axis/store/tiers_queries.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from axis.eventlog.event import Event
from axis.store.tiers_queries import TiersQueries


class SqliteTiers(TiersQueries):
    def _log(self, *events: Event) -> None:
        raise NotImplementedError  # SqliteEvents: chained at the transaction's commit

    async def _tiers_log(self, conn: Any, events: Sequence[Event]) -> None:
        self._log(*events)

    async def _tiers_execute(self, conn: Any, sql: str, *params: Any) -> int:
        cursor = await conn.execute(sql, params)
        return int(cursor.rowcount)

    async def _tiers_rows(self, conn: Any, sql: str, *params: Any) -> list[Any]:
        return list(await conn.execute_fetchall(sql, params))
