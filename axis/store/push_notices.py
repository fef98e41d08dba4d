"""Failure notices on both backends: the durable intent to tell a sender its delivery failed.

Part of the store's push delivery (push_sqlite.py, push_postgres.py mix these in). The store
method that ends a delivery ``expired`` or ``fail`` records the notice in its own transaction
(``note_failure``), so the intent survives any crash after that commit. The queue manager's
issuer (axis/delivery/notices.py) later builds the status package and calls ``notice_issue``,
which closes the notice and stores the package in ONE transaction, conditional on the notice
still being open: a crash before it leaves the notice open (issued later), a crash after it
leaves it closed (never issued twice), and of two nodes only one closes it (docs/delivery.md
"What the sender sees"). Only edoc deliveries get one: a status's own failed delivery never
does, so a hub-made status is never answered with another (no loops).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import aiosqlite

from axis.eventlog.event import Event, LogSettings
from axis.store.base import FailureNotice, NewDelivery, NewDocument
from axis.store.placeholders import numbered

if TYPE_CHECKING:
    from axis.store.sqlite_intake import GroupCommit

# The intent, from the delivery row as the same transaction just ended it.
NOTE = (
    "INSERT INTO failure_notices (delivery_id, doc_id, agency, state, reason, created_at) "
    "SELECT id, doc_id, agency, state, last_error, ? FROM deliveries WHERE id = ? "
    "AND message_type = 'edoc' AND state IN ('expired', 'fail') "
    "ON CONFLICT (delivery_id) DO NOTHING"
)
PENDING = (
    "SELECT delivery_id, doc_id, agency, state, reason, created_at FROM failure_notices "
    "WHERE issued_at = '' ORDER BY created_at, delivery_id LIMIT ?"
)
CLOSE = (
    "UPDATE failure_notices SET issued_at = ?, status_doc = ?, note = ? "
    "WHERE delivery_id = ? AND issued_at = ''"
)


NOTE_PG, CLOSE_PG = numbered(NOTE), numbered(CLOSE)


class NoticesSqlite:
    """Mixin over SqliteStore's group commit and reader."""

    _group: GroupCommit

    async def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        raise NotImplementedError

    def _log(self, *events: Event) -> None:
        raise NotImplementedError

    @staticmethod
    async def note_failures(conn: aiosqlite.Connection, at: str, delivery_ids: list[str]) -> None:
        """Inside the transaction that ended these deliveries."""
        await conn.executemany(NOTE, [(at, delivery_id) for delivery_id in delivery_ids])

    async def notices_pending(self, limit: int = 100) -> list[FailureNotice]:
        return [FailureNotice(*row) for row in await self._read(PENDING, (limit,))]

    async def notice_issue(
        self,
        delivery_id: str,
        at: str,
        doc: NewDocument | None,
        deliveries: Sequence[NewDelivery],
        note: str = "",
    ) -> bool:
        from axis.store.sqlite_intake import Incoming, write_batch

        closed = False

        async def write(conn: aiosqlite.Connection) -> None:
            nonlocal closed
            status_doc = doc.id if doc is not None else ""
            cursor = await conn.execute(CLOSE, (at, status_doc, note[:1000], delivery_id))
            closed = cursor.rowcount > 0
            if closed and doc is not None:
                self._log(*await write_batch(conn, [Incoming(doc, deliveries, None, ())]))

        await self._group.submit(write)
        return closed


class NoticesPostgres:
    """Mixin over PostgresStore's transaction and reader."""

    eventlog: LogSettings

    def transaction(self) -> Any:
        raise NotImplementedError

    async def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        raise NotImplementedError

    @staticmethod
    async def note_failures(conn: Any, at: str, delivery_ids: list[str]) -> None:
        """Inside the transaction that ended these deliveries (before its events: those go
        last, events_postgres.py)."""
        await conn.executemany(NOTE_PG, [(at, delivery_id) for delivery_id in delivery_ids])

    async def notices_pending(self, limit: int = 100) -> list[FailureNotice]:
        return [FailureNotice(*row) for row in await self._read(PENDING, (limit,))]

    async def notice_issue(
        self,
        delivery_id: str,
        at: str,
        doc: NewDocument | None,
        deliveries: Sequence[NewDelivery],
        note: str = "",
    ) -> bool:
        from axis.store.postgres_intake import write_incoming

        async with self.transaction() as conn:
            status_doc = doc.id if doc is not None else ""
            # The row lock makes a second node wait here, then find the notice closed.
            done = await conn.execute(CLOSE_PG, at, status_doc, note[:1000], delivery_id)
            closed = done.split()[-1] != "0"
            if closed and doc is not None:
                await write_incoming(conn, doc, deliveries, None, (), self.eventlog)
        return closed
