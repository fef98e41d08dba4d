"""SQLite backend of the Store protocol (aiosqlite): WAL, synchronous=FULL, one writer.

Sits under intake's persist stage and the API's read paths. Writes go through ONE connection
serialised by an asyncio lock (SQLite allows one writer; queueing here is cheaper than
busy-waiting in the engine); reads use a second connection, which WAL lets run beside the
writer. ``synchronous=FULL`` makes every COMMIT fsync the WAL: once ``save_incoming`` returns,
the package survives a SIGKILL or power loss (docs/architecture.md principle 1).

The directory and inbox queries live in sqlite_queries.py; this module owns connections,
migrations, transactions and the intake writes.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiosqlite

from axis.errors import StoreUnavailable
from axis.eventlog.event import Event, LogSettings
from axis.store.base import (
    AgencyRow,
    InboxRow,
    NewDelivery,
    NewDocument,
    Refusal,
    StatusEffect,
)
from axis.store.console_sqlite import SqliteConsole
from axis.store.events_queries import EventQueries
from axis.store.events_sqlite import (
    ChainTail,
    SqliteEvents,
    chain_unchained,
    flush,
    refused_event,
)
from axis.store.gateway_sqlite import GatewaySqlite
from axis.store.migrate import migrations
from axis.store.push_sqlite import PushSqlite
from axis.store.replay import ReplayCache
from axis.store.sqlite_blobs import StoredBlob
from axis.store.sqlite_intake import GroupCommit, Incoming, Item, write_batch
from axis.store.sqlite_marks import Ack, FetchMark
from axis.store.sqlite_queries import FETCH_SELECT, Queries
from axis.store.tiers_sqlite import SqliteTiers

BUSY_TIMEOUT_MS = 5000
# Each connection's page cache (SQLite's default is 2 MiB): docs/decisions.md "SQLite's page
# cache".
CACHE_KIB = 16 * 1024


def now() -> str:
    """ISO-8601 UTC with milliseconds: the store's one time format."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


# Mixins per feature: docs/tiers.md, docs/gateway.md, docs/delivery.md, docs/delivery-log.md,
# docs/console.md.
class SqliteStore(
    SqliteConsole, SqliteEvents, EventQueries, SqliteTiers, GatewaySqlite, PushSqlite, Queries
):
    """The SQLite store. ``await store.open()`` connects and applies pending migrations."""

    dedupes_on_write = False  # see Store; one process, dedupe's read is cheap and complete

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self._group = GroupCommit(self._write_batch)
        self._replays: ReplayCache | None = None
        self.eventlog = LogSettings()  # new_store sets it from config [eventlog]
        self._tail = ChainTail()

    async def open(self) -> None:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._writer = await self._connect()
            await self._migrate()
            async with self.transaction() as conn:
                await chain_unchained(conn)
            self._reader = await self._connect()
            await self._reader.execute("PRAGMA query_only = ON")
        except sqlite3.Error as exc:
            await self.close()
            raise StoreUnavailable(f"cannot open {self.path}: {exc}") from exc

    async def _connect(self) -> aiosqlite.Connection:
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        for pragma in (
            "journal_mode = WAL",
            "synchronous = FULL",
            f"busy_timeout = {BUSY_TIMEOUT_MS}",
            "foreign_keys = ON",
            f"cache_size = -{CACHE_KIB}",
            # Checkpoint every ~4 MB of WAL and truncate it back to 16 MiB after a big write:
            # with no reader pinning a snapshot (sqlite_blobs.py) the WAL stays bounded.
            "wal_autocheckpoint = 1000",
            f"journal_size_limit = {16 * 1024 * 1024}",
        ):
            await conn.execute(f"PRAGMA {pragma}")
        return conn

    async def close(self) -> None:
        """Close both connections. If interrupted (a second Ctrl-C), still stop their threads:
        aiosqlite's worker threads are not daemons and would hang the interpreter's exit."""
        conns = [conn for conn in (self._reader, self._writer) if conn is not None]
        self._reader = self._writer = None
        try:
            for conn in conns:
                await conn.close()
        except BaseException:
            for conn in conns:
                conn.stop()
            raise

    async def _migrate(self) -> None:
        assert self._writer is not None
        await self._writer.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        rows = await self._writer.execute_fetchall("SELECT number FROM schema_migrations")
        applied = {row[0] for row in rows}
        for step in migrations("sqlite"):
            if step.number in applied:
                continue
            # executescript commits first; the whole script plus its record is one transaction.
            await self._writer.executescript(
                f"BEGIN IMMEDIATE;\n{step.sql}\nINSERT INTO schema_migrations VALUES "
                f"({step.number}, '{step.name}', '{now()}');\nCOMMIT;"
            )

    # -- plumbing -------------------------------------------------------------------------

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction on the writer connection; errors become StoreUnavailable."""
        if self._writer is None:
            raise StoreUnavailable("the store is closed")
        async with self._lock:
            conn = self._writer
            try:
                await conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreUnavailable(str(exc)) from exc
            try:
                yield conn
                head = await flush(conn, self._tail, self.eventlog)
                await conn.execute("COMMIT")
                self._tail.head = head or self._tail.head
            except sqlite3.IntegrityError:
                await _rollback(conn)
                raise
            except sqlite3.Error as exc:
                await _rollback(conn)
                raise StoreUnavailable(str(exc)) from exc
            except BaseException:
                await _rollback(conn)
                raise
            finally:
                self._tail.events.clear()  # a rolled-back transaction's events never were

    async def _read(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        if self._reader is None:
            raise StoreUnavailable("the store is closed")
        try:
            return list(await self._reader.execute_fetchall(sql, params))
        except sqlite3.Error as exc:
            raise StoreUnavailable(str(exc)) from exc

    async def _event(self, conn: aiosqlite.Connection, kind: str, at: str, **fields: str) -> None:
        """One event (axis/eventlog) of ``conn``'s open transaction, chained at its commit."""
        self._log(Event(kind, at, **fields))

    # -- intake ---------------------------------------------------------------------------

    async def save_incoming(
        self,
        doc: NewDocument,
        deliveries: Sequence[NewDelivery],
        *,
        status: StatusEffect | None = None,
        pending: Sequence[tuple[str, Sequence[str], int]] = (),
    ) -> None:
        """Document + deliveries + status effects + event, committed before this returns.

        Concurrent calls share one transaction (group commit, sqlite_intake.py)."""
        await self._group.submit(Incoming(doc, deliveries, status, pending))

    async def _write_batch(self, items: list[Item]) -> None:
        async with self.transaction() as conn:
            self._log(*await write_batch(conn, items))

    async def record_refusal(self, refusal: Refusal, keep_days: int) -> None:
        """One refusal row, riding the next group commit; rows older than ``keep_days`` are
        deleted in the same write (indexed on ``at``: usually nothing to delete)."""
        cutoff = (datetime.now(UTC) - timedelta(days=keep_days)).isoformat(timespec="milliseconds")

        async def insert(conn: aiosqlite.Connection) -> None:
            await conn.execute(
                "INSERT INTO refusals (at, request_id, code, system_id, from_agency, "
                "document_id, sha256, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (refusal.at, refusal.request_id, refusal.code, refusal.system_id,
                 refusal.from_agency, refusal.document_id[:500], refusal.sha256,
                 refusal.reason[:1000]),
            )  # fmt: skip
            await conn.execute("DELETE FROM refusals WHERE at < ?", (cutoff,))
            await self._event(conn, **refused_event(refusal))

        await self._group.submit(insert)

    # -- systems and directory writes -----------------------------------------------------

    async def add_system(self, system_id: str, secret: str, name: str = "") -> bool:
        """Register a system; False if the id exists already."""
        async with self.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO systems (system_id, secret, name, created_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (system_id) DO NOTHING",
                (system_id, secret, name, now()),
            )
            if cursor.rowcount:
                await self._event(conn, "system-added", now(), system_id=system_id)
            return cursor.rowcount > 0

    async def set_secret(self, system_id: str, secret: str) -> bool:
        async with self.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE systems SET secret = ? WHERE system_id = ?", (secret, system_id)
            )
            if cursor.rowcount:
                await self._event(conn, "secret-rotated", now(), system_id=system_id)
            return cursor.rowcount > 0

    async def import_agencies(self, rows: Iterable[AgencyRow]) -> int:
        """Insert or replace agencies in one transaction (executemany: 120k rows in ~1 s)."""
        params = [
            (r.id, r.pid, r.code or r.id, r.name, r.mail, r.mobile, r.fax, r.system_id, r.upstream)
            for r in rows
        ]
        async with self.transaction() as conn:
            await conn.executemany(
                "INSERT INTO agencies (id, pid, code, name, mail, mobile, fax, system_id, "
                "upstream) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (id) DO UPDATE SET "
                "pid = excluded.pid, code = excluded.code, name = excluded.name, "
                "mail = excluded.mail, mobile = excluded.mobile, fax = excluded.fax, "
                "system_id = COALESCE(excluded.system_id, agencies.system_id), "
                "upstream = COALESCE(excluded.upstream, agencies.upstream)",
                params,
            )
            await self._event(conn, "agencies-imported", now(), detail=str(len(params)))
        return len(params)

    async def add_agency(self, row: AgencyRow) -> bool:
        """Register one agency; False if the id exists already."""
        async with self.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO agencies (id, pid, code, name, mail, mobile, fax, system_id, "
                "upstream) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (id) DO NOTHING",
                (row.id, row.pid, row.code or row.id, row.name, row.mail, row.mobile,
                 row.fax, row.system_id, row.upstream),
            )  # fmt: skip
            if cursor.rowcount:
                # Its former owner taking a retired id back: the id is live again.
                await conn.execute(
                    "DELETE FROM retired_agencies WHERE id = ? AND system_id = ?",
                    (row.id, row.system_id or ""),
                )
                await self._event(
                    conn, "agency-registered", now(), agency=row.id, system_id=row.system_id or ""
                )
            return cursor.rowcount > 0

    async def retire_agency(self, agency_id: str, system_id: str) -> int:
        """Delete an agency unless deliveries still wait for it (returns how many; then nothing
        changes). An id with document history is kept in retired_agencies with its owner."""
        async with self.transaction() as conn:
            cursor = await conn.execute(
                "SELECT COUNT(*) FROM deliveries WHERE agency = ? "
                "AND state IN ('queued', 'fetched', 'fail')",  # the index seeks; != would walk
                (agency_id,),
            )
            waiting = int((await cursor.fetchone() or (0,))[0])
            if waiting:
                return waiting
            cursor = await conn.execute(
                "SELECT 1 FROM deliveries WHERE agency = ? UNION ALL "
                "SELECT 1 FROM documents WHERE from_agency = ? LIMIT 1",
                (agency_id, agency_id),
            )
            if await cursor.fetchone() is not None:
                await conn.execute(
                    "INSERT INTO retired_agencies (id, system_id, retired_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (id) DO UPDATE SET system_id = excluded.system_id, "
                    "retired_at = excluded.retired_at",
                    (agency_id, system_id, now()),
                )
            await conn.execute("DELETE FROM agencies WHERE id = ?", (agency_id,))
            await self._event(conn, "agency-deleted", now(), agency=agency_id, system_id=system_id)
            return 0

    async def delete_agency(self, agency_id: str) -> bool:
        async with self.transaction() as conn:
            cursor = await conn.execute("DELETE FROM agencies WHERE id = ?", (agency_id,))
            if cursor.rowcount:
                await self._event(conn, "agency-deleted", now(), agency=agency_id)
            return cursor.rowcount > 0

    async def assign_agencies(self, system_id: str, agency_ids: Sequence[str]) -> int:
        async with self.transaction() as conn:
            await conn.executemany(
                "UPDATE agencies SET system_id = ?, upstream = NULL WHERE id = ?",
                [(system_id, a) for a in agency_ids],
            )
            return len(agency_ids)

    # -- delivery by pull -----------------------------------------------------------------

    async def fetch(self, delivery_id: str, system_id: str) -> bytes | None:
        """The package bytes; marks a queued delivery fetched (attempts counts fetches)."""
        found = await self.fetch_document(delivery_id, system_id, inline_up_to=-1)
        if isinstance(found, StoredBlob):
            return b"".join([chunk async for chunk in found.chunks()])
        return found

    async def fetch_document(
        self, delivery_id: str, system_id: str, inline_up_to: int
    ) -> bytes | StoredBlob | None:
        """fetch(), but a document larger than ``inline_up_to`` bytes comes back as a
        StoredBlob that reads it in chunks (sqlite_blobs.py) instead of one bytes object."""
        found = await self._fetch(delivery_id, system_id, inline_up_to, mine_only=False)
        return found[1] if found else None

    async def fetch_delivery(
        self, delivery_id: str, system_id: str, inline_up_to: int
    ) -> tuple[InboxRow, bytes | StoredBlob] | None:
        """getEdoc's ownership check and fetch in one read (base.Store.fetch_delivery)."""
        return await self._fetch(delivery_id, system_id, inline_up_to, mine_only=True)

    async def _fetch(
        self, delivery_id: str, system_id: str, inline_up_to: int, *, mine_only: bool
    ) -> tuple[InboxRow, bytes | StoredBlob] | None:
        if self.path == ":memory:":
            inline_up_to = -1  # another connection cannot see an in-memory database
        rows = await self._read(FETCH_SELECT, (inline_up_to, inline_up_to, delivery_id))
        if not rows or (mine_only and rows[0][5] != system_id):
            return None
        row, (data, size) = InboxRow(*rows[0][:10]), rows[0][10:12]
        await self._group.submit(FetchMark(delivery_id, system_id, now()))
        return row, (bytes(data) if data is not None else StoredBlob(self.path, row.doc_id, size))

    async def acknowledge(self, delivery_id: str, system_id: str, ok: bool, error: str) -> bool:
        """Record done/fail; False when the delivery was already done (final).

        Decided by the UPDATE's own WHERE, not a read first, so it holds across connections
        and processes: done is final; fail may be followed by fail or done (the recipient
        retried); a second done changes nothing and the caller answers OK
        (docs/reliability.md §3)."""
        ack = Ack(delivery_id, system_id, ok, error, now())
        await self._group.submit(ack)  # written with the batch's other marks (sqlite_marks.py)
        return ack.changed

    # -- one process ----------------------------------------------------------------------

    @asynccontextmanager
    async def claim(self, keys: Sequence[str]) -> AsyncIterator[None]:
        """Nothing to add: one process, whose in-process claims (intake/claims.py) are
        complete. Several processes on one SQLite file are refused (commands/serve.py)."""
        yield

    async def first_use(self, key: str, keep_s: float) -> bool:
        if self._replays is None or self._replays.keep_s != keep_s:
            self._replays = ReplayCache(keep_s / 2)
        return self._replays.first_use(key)


async def _rollback(conn: aiosqlite.Connection) -> None:
    # The transaction may already be gone (e.g. SQLITE_FULL rolled it back).
    with contextlib.suppress(sqlite3.Error):
        await conn.execute("ROLLBACK")
