"""Store methods for tiers (docs/tiers.md): the reorganisation (forwarding is push delivery).

Mixed into both backends (tiers_sqlite.py, tiers_postgres.py). Reads are shared SQL with ``?``
placeholders (PostgreSQL numbers them); the writes differ only in how a transaction's
connection executes, which each backend's mixin supplies as ``_tiers_execute`` (and how a
transaction records its delivery-log events, ``_tiers_log``: docs/delivery-log.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from axis.eventlog import kinds
from axis.eventlog.event import Event
from axis.store.base import new_id

_OPEN = "('queued', 'fetched', 'fail')"


def _marks(count: int) -> str:
    return ", ".join("?" * count)


class TiersQueries:
    """Reads shared by both backends; the backend provides _read, transaction, _tiers_execute."""

    _read: Any
    transaction: Any

    async def _tiers_execute(self, conn: Any, sql: str, *params: Any) -> int:
        raise NotImplementedError

    async def _tiers_rows(self, conn: Any, sql: str, *params: Any) -> list[Any]:
        raise NotImplementedError

    async def _tiers_log(self, conn: Any, events: Sequence[Event]) -> None:
        """Record ``events`` in the open transaction (its last statement on PostgreSQL)."""
        raise NotImplementedError

    async def successors_of(self, agency_ids: Sequence[str]) -> dict[str, list[str]]:
        if not agency_ids:
            return {}
        rows = await self._read(
            f"SELECT id, successor FROM agency_successors WHERE id IN ({_marks(len(agency_ids))}) "
            "ORDER BY id, position",
            tuple(agency_ids),
        )
        result: dict[str, list[str]] = {}
        for retired, successor in rows:
            result.setdefault(retired, [])
            if successor:
                result[retired].append(successor)
        return result

    async def retire_to_successors(
        self, agency_id: str, successors: dict[str, str], at: str
    ) -> int:
        """Retire ``agency_id`` in one transaction: record its successors (id -> route; none =
        retired without successor), remove it from the directory, and hand every delivery still
        open for it to each successor once (the old delivery is closed with the reason).
        Returns how many open deliveries moved."""
        async with self.transaction() as conn:
            await self._tiers_execute(conn, "DELETE FROM agency_successors WHERE id = ?", agency_id)
            for position, successor in enumerate(successors or {"": ""}):
                await self._tiers_execute(
                    conn,
                    "INSERT INTO agency_successors (id, successor, position, retired_at) "
                    "VALUES (?, ?, ?, ?)",
                    agency_id, successor, position, at,
                )  # fmt: skip
            await self._tiers_execute(conn, "DELETE FROM agencies WHERE id = ?", agency_id)
            open_rows = await self._tiers_rows(
                conn,
                f"SELECT id, doc_id FROM deliveries WHERE agency = ? AND state IN {_OPEN}",
                agency_id,
            )
            names = ", ".join(successors) or "nobody"
            events: list[Event] = []
            for delivery_id, doc_id in open_rows:
                for successor, route in successors.items():
                    moved_id = new_id()
                    # status_key/status_at come along: a status keeps its place in the order
                    # of its agency's statuses on the document (migration 014).
                    created = await self._tiers_execute(
                        conn,
                        "INSERT INTO deliveries (id, doc_id, agency, message_type, route, state, "
                        "created_at, updated_at, status_key, status_at) SELECT ?, doc_id, ?, "
                        "message_type, ?, 'queued', ?, ?, status_key, status_at FROM deliveries "
                        "WHERE id = ? AND NOT EXISTS "
                        "(SELECT 1 FROM deliveries WHERE doc_id = ? AND agency = ?)",
                        moved_id, successor, route, at, at, delivery_id, doc_id, successor,
                    )  # fmt: skip
                    if created:
                        events += substitution_events(
                            at, doc_id, delivery_id, agency_id, successor, moved_id, route
                        )
                state = "done" if successors else "fail"
                await self._tiers_execute(
                    conn,
                    "UPDATE deliveries SET state = ?, last_error = ?, updated_at = ? WHERE id = ?",
                    state, f"{agency_id} retired; delivered to {names}", at, delivery_id,
                )  # fmt: skip
            await self._tiers_log(conn, events)
            return len(open_rows)


def substitution_events(
    at: str,
    doc_id: str,
    old_delivery: str,
    retired: str,
    successor: str,
    new_delivery: str,
    route: str,
) -> list[Event]:
    """A waiting delivery handed to a successor (docs/delivery-log.md): ``substituted`` on the
    retired agency's delivery naming the successor's, then ``routed`` for the new one."""
    hub = kinds.actor_hub("")
    return [
        Event(kinds.SUBSTITUTED, at, doc_id, old_delivery, retired, actor=hub,
              detail=f"{successor} (delivery {new_delivery})"),
        Event(kinds.ROUTED, at, doc_id, new_delivery, successor, actor=hub,
              detail=f"{route or 'no system yet'}; replaces {retired}"),
    ]  # fmt: skip


def _now() -> str:
    from axis.store.sqlite import now

    return now()
