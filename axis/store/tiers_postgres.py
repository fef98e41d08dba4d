"""PostgreSQL's half of the tiers store methods (axis/store/tiers_queries.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from axis.eventlog.event import Event, LogSettings
from axis.store import events_postgres
from axis.store.placeholders import numbered
from axis.store.tiers_queries import TiersQueries


class PostgresTiers(TiersQueries):
    eventlog: LogSettings

    async def _tiers_log(self, conn: Any, events: Sequence[Event]) -> None:
        await events_postgres.append(conn, events, self.eventlog)

    async def _tiers_execute(self, conn: Any, sql: str, *params: Any) -> int:

        status = await conn.execute(numbered(sql), *params)
        return int(status.rsplit(" ", 1)[-1]) if status and status[-1].isdigit() else 0

    async def _tiers_rows(self, conn: Any, sql: str, *params: Any) -> list[Any]:

        return list(await conn.fetch(numbered(sql), *params))
