"""Push delivery on PostgreSQL: due deliveries leased across nodes, and their outcomes.

Part of the PostgreSQL store (mixed into PostgresStore). Taking a page is the store's leasing
(postgres_leases.py) applied to the delivery rows themselves: one UPDATE picks the due rows
``FOR UPDATE SKIP LOCKED`` (two nodes taking at once get disjoint pages, neither waits) and
sets their next_attempt_at to the lease's expiry, so a node that dies mid-push lets its
deliveries come due again once the lease runs out, and no two nodes push one delivery at once.
Outcomes are conditional UPDATEs (only a delivery still open: queued, or fetched before a switch to push), like acknowledgements.
"""

from __future__ import annotations

from typing import Any

from axis.eventlog import kinds
from axis.store.base import PushRow
from axis.store.events_postgres import append
from axis.store.placeholders import numbered
from axis.store.postgres_blobs import PgBlob
from axis.store.push_notices import NoticesPostgres
from axis.store.push_sqlite import (
    EXPIRE,
    EXPIRING,
    IN_ORDER,
    OPEN_STATES,
    PUSH_COLUMNS,
    QUARANTINED,
    expired_event,
    outcome_event,
    retried_event,
)
from axis.store.push_sqlite import now as _now

# IN_ORDER reads the earlier status deliveries' state, not their locks: one another node has
# leased (or this statement is taking) is still open, so the later one waits, on every node.
TAKE = (
    "WITH due AS (SELECT d.id FROM deliveries d WHERE d.route = $1 AND d.state = $5 "
    f"AND d.quarantine = '' AND d.next_attempt_at <= $2 AND {IN_ORDER} "
    "ORDER BY d.next_attempt_at, d.created_at, d.id LIMIT $4 FOR UPDATE SKIP LOCKED), "
    "taken AS (UPDATE deliveries t SET next_attempt_at = $3 FROM due WHERE t.id = due.id "
    "RETURNING t.*) "
    f"SELECT {PUSH_COLUMNS} "
    "FROM taken d JOIN documents doc ON doc.id = d.doc_id ORDER BY d.id"
)


EXPIRE_PG, EXPIRING_PG = numbered(EXPIRE), numbered(EXPIRING)


class PushPostgres(NoticesPostgres):
    """Mixin over PostgresStore's transaction, reader and value fetcher."""

    async def _fetchval(self, sql: str, *params: Any) -> Any:
        raise NotImplementedError

    async def _event(self, conn: Any, kind: str, at: str, **fields: str) -> None:
        raise NotImplementedError

    async def push_take(self, route: str, now: str, lease_until: str, limit: int) -> list[PushRow]:
        async with self.transaction() as conn:
            rows: list[Any] = []
            for state in OPEN_STATES:
                if len(rows) < limit:
                    rows += await conn.fetch(
                        TAKE, route, now, lease_until, limit - len(rows), state
                    )
        return [PushRow(*row) for row in rows]

    async def push_document(self, doc_id: str, inline_up_to: int) -> bytes | PgBlob:
        rows = await self._read(
            "SELECT CASE WHEN size <= ? THEN data END, size, data IS NULL FROM documents "
            "WHERE id = ?",
            (inline_up_to, doc_id),
        )
        if not rows:
            raise KeyError(doc_id)
        data, size, in_chunks = rows[0]
        return bytes(data) if data is not None else PgBlob(self._fetchval, doc_id, size, in_chunks)

    async def push_done(self, delivery_id: str, system_id: str, detail: str) -> bool:
        return await self._final(delivery_id, system_id, "done", "", detail)

    async def push_forwarded(self, delivery_id: str, system_id: str, detail: str) -> bool:
        return await self._final(delivery_id, system_id, "done", detail, detail, kinds.FORWARDED)

    async def push_give_up(
        self, delivery_id: str, system_id: str, state: str, error: str, notify: bool = False
    ) -> bool:
        return await self._final(delivery_id, system_id, state, error, error, notify=notify)

    async def _final(
        self,
        delivery_id: str,
        system_id: str,
        state: str,
        error: str,
        detail: str,
        kind: str = "",
        notify: bool = False,
    ) -> bool:
        at = _now()
        async with self.transaction() as conn:
            found = await conn.fetchrow(
                "UPDATE deliveries SET state = $1, last_error = $2, updated_at = $3, "
                "attempts = attempts + 1, next_attempt_at = '' WHERE id = $4 "
                "AND state IN ('queued', 'fetched') RETURNING doc_id, agency",
                state, error, at, delivery_id,
            )  # fmt: skip
            if found is not None and notify:
                await self.note_failures(conn, at, [delivery_id])
            if found is not None:
                event = outcome_event(at, delivery_id, system_id, state, detail, *found)
                await self._event(conn, **{**event, "kind": kind or event["kind"]})
        return found is not None

    async def push_retry(self, delivery_id: str, next_attempt_at: str, error: str) -> None:
        at = _now()
        async with self.transaction() as conn:
            found = await conn.fetchrow(
                "UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = $1, "
                "last_error = $2, updated_at = $3 WHERE id = $4 AND state IN ('queued', 'fetched') "
                "RETURNING doc_id, agency, route",
                next_attempt_at, error[:1000], at, delivery_id,
            )  # fmt: skip
            if found is not None:
                doc_id, agency, route = found["doc_id"], found["agency"], found["route"]
                event = retried_event(
                    at, delivery_id, doc_id, agency, route, next_attempt_at, error
                )
                await self._event(conn, **event)

    async def push_expire(
        self, route: str, accepted_before: str, now: str, reason: str, notify: bool = False
    ) -> int:
        at, where = _now(), (route, now, accepted_before)
        async with self.transaction() as conn:
            expiring = await conn.fetch(EXPIRING_PG, *where)
            status = await conn.execute(EXPIRE_PG, at, reason, *where)
            if notify:
                await self.note_failures(conn, at, [row[1] for row in expiring])
            await append(conn, [expired_event(at, reason, *row) for row in expiring], self.eventlog)
        return int(status.split()[-1])

    async def push_quarantine(self, delivery_id: str, reason: str) -> None:
        at = _now()
        async with self.transaction() as conn:
            found = await conn.fetchrow(
                "UPDATE deliveries SET attempts = attempts + 1, quarantine = $1, updated_at = $2 "
                "WHERE id = $3 AND state IN ('queued', 'fetched') RETURNING doc_id, agency",
                reason[:1000] or "quarantined", at, delivery_id,
            )  # fmt: skip
            if found is not None:
                await self._event(conn, kinds.QUARANTINED, at, doc_id=found[0], delivery_id=delivery_id,
                                  agency=found[1], actor=kinds.actor_hub(""), detail=reason[:1000])  # fmt: skip

    async def push_quarantined(self, limit: int = 100) -> list[PushRow]:
        return [PushRow(*row) for row in await self._read(QUARANTINED, (limit,))]

    async def push_release(self, delivery_id: str) -> bool:
        at = _now()
        async with self.transaction() as conn:
            found = await conn.fetchrow(
                "UPDATE deliveries SET quarantine = '', next_attempt_at = '', updated_at = $1 "
                "WHERE id = $2 AND quarantine > '' RETURNING doc_id, agency",
                at, delivery_id,
            )  # fmt: skip
            if found is not None:
                await self._event(conn, kinds.RELEASED, at, doc_id=found[0], delivery_id=delivery_id,
                                  agency=found[1], actor="operator")  # fmt: skip
        return found is not None
