"""Push delivery on SQLite: the queue manager's page of due deliveries and its outcomes.

Part of the SQLite store (mixed into SqliteStore). One process owns the file, so taking a page
is one write transaction: read the due rows, push their next_attempt_at to the lease's expiry.
Outcomes ride the group commit like acknowledgements do (sqlite_intake.py). The schedule lives
on the delivery row (migration 006); docs/delivery.md has the rules.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import aiosqlite

from axis.eventlog import kinds
from axis.eventlog.event import Event
from axis.store.base import PushRow
from axis.store.push_notices import NoticesSqlite
from axis.store.sqlite_blobs import StoredBlob

if TYPE_CHECKING:
    from axis.store.sqlite_intake import GroupCommit

PUSH_COLUMNS = (
    "d.id, d.doc_id, d.agency, d.route, d.message_type, d.attempts, d.created_at, "
    "d.next_attempt_at, d.quarantine, d.last_error, doc.size, doc.sha256, doc.from_agency"
)
# Due: still open (queued; or fetched by pull before the system switched to push, never
# acknowledged), not set aside, its time come. One state per query: the index
# deliveries_push_due (route, state, quarantine, next_attempt_at, created_at, id; migration
# 015) then answers it in order, without sorting the whole backlog.
OPEN_STATES = ("queued", "fetched")
# In order: a status delivery (status_key set, migration 014) is not due while a status
# package its agency reported earlier about the same document has a delivery to the same
# endpoint still open (queued or fetched: due, leased, backing off or quarantined): one agency's
# 01 and 06 never travel at once, so the next hub never sees the 06 first (docs/decisions.md
# "Status packages keep their order between hubs"). Earlier = accepted earlier (status_at,
# then the document id; two deliveries of one status package never hold each other). One seek
# in deliveries_open_statuses, which holds only open status deliveries; an edoc costs nothing.
# The comparisons with d's columns (not equalities only) keep PostgreSQL from planning it as a
# hash of every open status.
IN_ORDER = (
    "(d.status_key = '' OR NOT EXISTS (SELECT 1 FROM deliveries e "
    "WHERE e.status_key = d.status_key AND e.route = d.route AND e.status_at <= d.status_at "
    "AND e.status_key <> '' AND e.state IN ('queued', 'fetched') "
    "AND (e.status_at < d.status_at OR e.doc_id < d.doc_id)))"
)
DUE = (
    f"SELECT {PUSH_COLUMNS} FROM deliveries d JOIN documents doc ON doc.id = d.doc_id "
    "WHERE d.route = ? AND d.state = ? AND d.quarantine = '' AND d.next_attempt_at <= ? "
    f"AND {IN_ORDER} ORDER BY d.next_attempt_at, d.created_at, d.id LIMIT ?"
)
QUARANTINED = (
    f"SELECT {PUSH_COLUMNS} FROM deliveries d JOIN documents doc ON doc.id = d.doc_id "
    "WHERE d.quarantine > '' AND d.state IN ('queued', 'fetched') ORDER BY d.updated_at, d.id LIMIT ?"
)

# Expire in bulk (a circuit kept them from being tried): an event each, then the state. Leased
# rows (next_attempt_at > now: in flight, as backoff never passes the lifetime) are left to
# their attempt.
EXPIRABLE = (
    "FROM deliveries WHERE route = ? AND state IN ('queued', 'fetched') AND quarantine = '' "
    "AND next_attempt_at <= ? AND created_at < ?"
)
# The deliveries about to expire, for their events (docs/delivery-log.md), read in the same
# transaction as the UPDATE.
EXPIRING = f"SELECT doc_id, id, agency, route {EXPIRABLE}"
EXPIRE = (
    "UPDATE deliveries SET state = 'expired', updated_at = ?, next_attempt_at = '', "
    "last_error = substr(? || CASE WHEN last_error = '' THEN '' ELSE '; last error: ' || "
    f"last_error END, 1, 1000) WHERE id IN (SELECT id {EXPIRABLE})"
)


def now() -> str:
    """The store's time format (as sqlite.now, which imports this module)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


store_time = now  # for methods whose ``now`` parameter is the queue manager's clock


class PushSqlite(NoticesSqlite):
    """Mixin over SqliteStore's writer transaction, group commit and reader."""

    path: str
    _group: GroupCommit

    def transaction(self) -> Any:
        raise NotImplementedError

    async def _event(self, conn: aiosqlite.Connection, kind: str, at: str, **fields: str) -> None:
        raise NotImplementedError

    async def push_take(self, route: str, now: str, lease_until: str, limit: int) -> list[PushRow]:
        taken: list[PushRow] = []

        async def take(conn: aiosqlite.Connection) -> None:
            rows: list[sqlite3.Row] = []
            for state in OPEN_STATES:
                if len(rows) < limit:
                    rows += await conn.execute_fetchall(DUE, (route, state, now, limit - len(rows)))
            await conn.executemany(
                "UPDATE deliveries SET next_attempt_at = ? WHERE id = ?",
                [(lease_until, row[0]) for row in rows],
            )
            taken.extend(PushRow(*row) for row in rows)

        # Riding the group commit: takes for several endpoints share one transaction.
        await self._group.submit(take)
        return taken

    async def push_document(self, doc_id: str, inline_up_to: int) -> bytes | StoredBlob:
        rows = await self._read(
            "SELECT CASE WHEN size <= ? THEN data END, size FROM documents WHERE id = ?",
            (inline_up_to, doc_id),
        )
        if not rows:
            raise KeyError(doc_id)
        data, size = rows[0]
        return bytes(data) if data is not None else StoredBlob(self.path, doc_id, size)

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
        at, changed = now(), False

        async def write(conn: aiosqlite.Connection) -> None:
            nonlocal changed
            cursor = await conn.execute(
                "UPDATE deliveries SET state = ?, last_error = ?, updated_at = ?, "
                "attempts = attempts + 1, next_attempt_at = '' WHERE id = ? AND state IN ('queued', 'fetched') "
                "RETURNING doc_id, agency",
                (state, error, at, delivery_id),
            )
            found = list(await cursor.fetchall())
            changed = bool(found)
            if found and notify:
                await self.note_failures(conn, at, [delivery_id])
            if found:
                event = outcome_event(at, delivery_id, system_id, state, detail, *found[0])
                await self._event(conn, **{**event, "kind": kind or event["kind"]})

        await self._group.submit(write)
        return changed

    async def push_retry(self, delivery_id: str, next_attempt_at: str, error: str) -> None:
        at = now()

        async def write(conn: aiosqlite.Connection) -> None:
            cursor = await conn.execute(
                "UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = ?, "
                "last_error = ?, updated_at = ? WHERE id = ? AND state IN ('queued', 'fetched') "
                "RETURNING doc_id, agency, route",
                (next_attempt_at, error[:1000], at, delivery_id),
            )
            for doc_id, agency, route in list(await cursor.fetchall()):
                await self._event(conn, **retried_event(at, delivery_id, doc_id, agency, route,
                                                        next_attempt_at, error))  # fmt: skip

        await self._group.submit(write)

    async def push_expire(
        self, route: str, accepted_before: str, now: str, reason: str, notify: bool = False
    ) -> int:
        at, count = store_time(), 0

        async def write(conn: aiosqlite.Connection) -> None:
            nonlocal count
            where = (route, now, accepted_before)
            expiring = await conn.execute_fetchall(EXPIRING, where)
            self._log(*(expired_event(at, reason, *row) for row in expiring))
            cursor = await conn.execute(EXPIRE, (at, reason, *where))
            count = cursor.rowcount
            if notify:
                await self.note_failures(conn, at, [row[1] for row in expiring])

        await self._group.submit(write)
        return count

    async def push_quarantine(self, delivery_id: str, reason: str) -> None:
        at = now()

        async def write(conn: aiosqlite.Connection) -> None:
            cursor = await conn.execute(
                "UPDATE deliveries SET attempts = attempts + 1, quarantine = ?, updated_at = ? "
                "WHERE id = ? AND state IN ('queued', 'fetched') RETURNING doc_id, agency",
                (reason[:1000] or "quarantined", at, delivery_id),
            )
            for doc_id, agency in list(await cursor.fetchall()):
                await self._event(conn, kinds.QUARANTINED, at, doc_id=doc_id, delivery_id=delivery_id,
                                  agency=agency, actor=kinds.actor_hub(""), detail=reason[:1000])  # fmt: skip

        await self._group.submit(write)

    async def push_quarantined(self, limit: int = 100) -> list[PushRow]:
        return [PushRow(*row) for row in await self._read(QUARANTINED, (limit,))]

    async def push_release(self, delivery_id: str) -> bool:
        at = now()
        async with self.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE deliveries SET quarantine = '', next_attempt_at = '', updated_at = ? "
                "WHERE id = ? AND quarantine > '' RETURNING doc_id, agency",
                (at, delivery_id),
            )
            found = list(await cursor.fetchall())
            for doc_id, agency in found:
                await self._event(conn, kinds.RELEASED, at, doc_id=doc_id, delivery_id=delivery_id,
                                  agency=agency, actor="operator")  # fmt: skip
            return bool(found)


# -- the events of push outcomes (docs/delivery-log.md), shared with push_postgres.py ---------

_OUTCOME_KINDS = {"done": kinds.PUSHED, "expired": kinds.EXPIRED, "fail": kinds.FAILED}


def outcome_event(
    at: str, delivery_id: str, system_id: str, state: str, detail: str, doc_id: str, agency: str
) -> dict[str, str]:
    """pushed (state done), expired or failed: the delivery's last word."""
    return dict(
        kind=_OUTCOME_KINDS.get(state, kinds.FAILED), at=at, doc_id=doc_id,
        delivery_id=delivery_id, agency=agency, system_id=system_id,
        actor=kinds.actor_hub(""), code=state, detail=detail[:1000],
    )  # fmt: skip


def retried_event(
    at: str, delivery_id: str, doc_id: str, agency: str, route: str, next_at: str, error: str
) -> dict[str, str]:
    return dict(
        kind=kinds.RETRIED, at=at, doc_id=doc_id, delivery_id=delivery_id, agency=agency,
        system_id=route, actor=kinds.actor_hub(""),
        detail=f"next attempt {next_at}; {error[:900]}",
    )  # fmt: skip


def expired_event(
    at: str, reason: str, doc_id: str, delivery_id: str, agency: str, route: str
) -> Event:
    return Event(
        kinds.EXPIRED, at, doc_id, delivery_id, agency, route, kinds.actor_hub(""),
        code="expired", detail=reason[:1000],
    )  # fmt: skip
