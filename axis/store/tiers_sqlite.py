"""SQLite's half of the tiers store methods (axis/store/tiers_queries.py)."""

from __future__ import annotations

from typing import Any

from axis.store.tiers_queries import TiersQueries


class SqliteTiers(TiersQueries):
    async def _tiers_execute(self, conn: Any, sql: str, *params: Any) -> int:
        cursor = await conn.execute(sql, params)
        return int(cursor.rowcount)

    async def _tiers_rows(self, conn: Any, sql: str, *params: Any) -> list[Any]:
        return list(await conn.execute_fetchall(sql, params))
