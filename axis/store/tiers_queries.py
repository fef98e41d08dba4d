"""Store methods for tiers (docs/tiers.md): the reorganisation (forwarding is push delivery).

Mixed into both backends (tiers_sqlite.py, tiers_postgres.py). Reads are shared SQL with ``?``
placeholders (PostgreSQL numbers them); the writes differ only in how a transaction's
connection executes, which each backend's mixin supplies as ``_tiers_execute``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

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
                f"SELECT id, doc_id, message_type FROM deliveries WHERE agency = ? "
                f"AND state IN {_OPEN}",
                agency_id,
            )
            names = ", ".join(successors) or "nobody"
            for delivery_id, doc_id, message_type in open_rows:
                for successor, route in successors.items():
                    await self._tiers_execute(
                        conn,
                        "INSERT INTO deliveries (id, doc_id, agency, message_type, route, state, "
                        "created_at, updated_at) SELECT ?, ?, ?, ?, ?, 'queued', ?, ? WHERE NOT "
                        "EXISTS (SELECT 1 FROM deliveries WHERE doc_id = ? AND agency = ?)",
                        str(uuid.uuid4()), doc_id, successor, message_type, route, at, at,
                        doc_id, successor,
                    )  # fmt: skip
                state = "done" if successors else "fail"
                await self._tiers_execute(
                    conn,
                    "UPDATE deliveries SET state = ?, last_error = ?, updated_at = ? WHERE id = ?",
                    state, f"{agency_id} retired; delivered to {names}", at, delivery_id,
                )  # fmt: skip
            return len(open_rows)


def _now() -> str:
    from axis.store.sqlite import now

    return now()
