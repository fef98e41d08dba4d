"""PostgreSQL backend of the Store protocol (asyncpg): several hub nodes on one database.

Sits where sqlite.py sits (under intake's persist stage and the API's read paths), for a cluster
(docs/operations.md). Differences from SQLite, and why:
- a pool of connections (postgres_pool.py), no group commit: PostgreSQL takes concurrent
  writers itself;
- what SQLite's single process decides with in-process locks, the database decides here:
  ``claim`` takes transaction-scoped advisory locks keyed like intake/claims.py's keys and
  the package's save_incoming commits in that same transaction, so the locks are released by
  the commit that stores the decision; unique indexes refuse a second copy regardless
  (migrations/001_initial.postgres.sql);
- the replay cache is a shared table (``first_use``); acknowledgements are conditional UPDATEs;
- a lost connection or a database that is down or read-only (a standby) is StoreUnavailable:
  503 4.7.1 with Retry-After, and the pool reconnects by itself once the database is back.
The read queries are portable SQL and are shared with SQLite (sqlite_queries.Queries); they
run here with their ``?`` placeholders numbered ``$n``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from axis.errors import StoreUnavailable
from axis.eventlog.event import Event, LogSettings
from axis.store.base import (
    AgencyRow,
    InboxRow,
    NewDelivery,
    NewDocument,
    Refusal,
    StatusEffect,
    StoredConcurrently,
)
from axis.store.console_postgres import PostgresConsole
from axis.store.events_postgres import APPEND_LOCK, PostgresEvents, append, chain_pending
from axis.store.events_queries import EventQueries
from axis.store.events_sqlite import refused_event
from axis.store.gateway_postgres import GatewayPostgres
from axis.store.migrate import migrations
from axis.store.placeholders import numbered
from axis.store.postgres_blobs import PgBlob
from axis.store.postgres_intake import is_common, write_common, write_incoming
from axis.store.postgres_leases import Leases
from axis.store.postgres_pool import Pool, PoolClosed
from axis.store.postgres_replay import ReplayKeys
from axis.store.push_postgres import PushPostgres
from axis.store.sqlite import now
from axis.store.sqlite_queries import INBOX_SELECT, Queries
from axis.store.tiers_postgres import PostgresTiers

# Errors that mean "the database cannot serve us right now", not "this request is wrong".
TRANSIENT: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,  # 08xxx
    asyncpg.InterfaceError,  # the connection is gone
    asyncpg.InternalClientError,  # its protocol state broke when the server went away
    asyncpg.exceptions.OperatorInterventionError,  # 57xxx: shutdown, cannot connect now
    asyncpg.exceptions.InsufficientResourcesError,  # 53xxx: disk full, too many connections
    asyncpg.exceptions.TransactionRollbackError,  # 40xxx: serialization failure, deadlock
    asyncpg.exceptions.ReadOnlySQLTransactionError,  # a standby after a failover
)
DATABASE_ERRORS: tuple[type[BaseException], ...] = (*TRANSIENT, asyncpg.PostgresError)
CLOSING_ERRORS: tuple[type[BaseException], ...] = (*DATABASE_ERRORS, PoolClosed)
# Seconds to wait for a free pooled connection or a new one before answering 503.
ACQUIRE_TIMEOUT_S = 10.0
# Held while one node migrates, so nodes starting together do not race (pg_advisory_lock id).
MIGRATION_LOCK = 0x61786973  # "axis"


# A fetch in one round trip (was a read, then this mark): read the delivery with its
# document, then, if it is the caller's ($8: only then) count the attempt, move queued ->
# fetched, and record the "fetched" event only when this statement made that move (the row
# lock decides, whatever node fetches at the same moment). The row read is the one before
# the mark (state 'queued' when this fetch moved it), as when they were two statements.
FETCH_AND_MARK = (
    "WITH found AS (SELECT d.id, d.doc_id, d.message_type, doc.from_agency, d.agency, "
    "a.system_id, d.state, d.last_error, d.created_at, d.updated_at, "
    "CASE WHEN ($7::bigint < 0 OR doc.size <= $7::bigint) THEN doc.data END AS data, "
    "doc.size, doc.data IS NULL AS in_chunks FROM deliveries d "
    "JOIN documents doc ON doc.id = d.doc_id LEFT JOIN agencies a ON a.id = d.agency "
    "WHERE d.id = $2), "
    "before AS (SELECT d.id, d.state, d.doc_id, d.agency FROM deliveries d JOIN found f "
    "ON f.id = d.id WHERE NOT $8 OR f.system_id = $3 FOR UPDATE OF d), "
    "marked AS (UPDATE deliveries d SET attempts = d.attempts + 1, "
    "updated_at = CASE WHEN before.state = 'queued' THEN $1 ELSE d.updated_at END, "
    "state = CASE WHEN before.state = 'queued' THEN 'fetched' ELSE d.state END "
    "FROM before WHERE d.id = before.id "
    "RETURNING before.state AS was, before.doc_id, before.agency), "
    # The delivery log (events_postgres.py): its shared lock before the event takes a seq.
    "held AS (SELECT pg_advisory_xact_lock_shared($4) FROM marked WHERE was = 'queued' AND $6), "
    "logged AS (INSERT INTO events (at, kind, doc_id, delivery_id, agency, system_id, actor, "
    "hop) SELECT $1, 'fetched', doc_id, $2, agency, $3, 'system:' || $3, $5 FROM marked, held) "
    "SELECT * FROM found"
)


# An acknowledgement in one round trip (was BEGIN, UPDATE, INSERT, COMMIT): the conditional
# UPDATE decides (done is final), and its event is written only when it changed the row.
# With $10 (acknowledge_own) the delivery is read first and changed only if it is the caller's
# ($5): the ownership check and the acknowledgement in one statement; the row comes back as
# it was before this statement, with how many rows it changed.
ACKNOWLEDGE = (
    f"WITH found AS ({INBOX_SELECT}WHERE d.id = $4 AND $10), "
    "changed AS (UPDATE deliveries SET state = $1, last_error = $2, updated_at = $3, "
    "acked_at = CASE WHEN $1 = 'done' THEN $3 ELSE '' END "
    "WHERE id = $4 AND state <> 'done' "
    "AND (NOT $10 OR EXISTS (SELECT 1 FROM found WHERE found.system_id = $5)) "
    "RETURNING id, doc_id, agency), "
    # The delivery log (events_postgres.py): its shared lock before the event takes a seq.
    "held AS (SELECT pg_advisory_xact_lock_shared($7) FROM changed WHERE $9), "
    "logged AS (INSERT INTO events (at, kind, doc_id, delivery_id, agency, system_id, actor, "
    "hop, code, detail) SELECT $3, 'acknowledged', doc_id, id, agency, $5, 'system:' || $5, $8, "
    "$1, $6 FROM changed, held), "
    "counted AS (SELECT count(*) AS n FROM changed) "
    "SELECT counted.n, found.* FROM counted LEFT JOIN found ON true"
)


def lock_id(key: str) -> int:
    """A claim key as a signed 64-bit advisory lock id (a collision only serialises more)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


def claim_sql(keys: Sequence[str]) -> str:
    """BEGIN and every key's advisory lock in one round trip (simple query protocol: the ids
    are integers this process computed, never caller text). Locks are taken in one global
    order (sorted ids), so two claimants never deadlock."""
    locks = "".join(
        f"SELECT pg_advisory_xact_lock({ident});" for ident in sorted({lock_id(k) for k in keys})
    )
    return f"BEGIN;{locks}"


@dataclass
class _Claim:
    """The transaction that holds one package's advisory locks until its save_incoming."""

    conn: Any
    task: asyncio.Task[Any] | None
    open: bool = True


# The claim of the intake task running now (one package per task).
_CLAIM: ContextVar[_Claim | None] = ContextVar("axis_pg_claim", default=None)


def _my_claim() -> _Claim | None:
    """This task's claim; a task started inside a claim inherits the variable, not the claim
    (one connection cannot serve two tasks at once)."""
    held = _CLAIM.get()
    return held if held is not None and held.task is asyncio.current_task() else None


# Mixins per feature: docs/tiers.md, docs/gateway.md, docs/delivery.md, docs/delivery-log.md,
# docs/console.md.
class PostgresStore(
    PostgresConsole,
    PostgresEvents,
    EventQueries,
    PostgresTiers,
    GatewayPostgres,
    PushPostgres,
    Queries,
):
    """The PostgreSQL store. ``await store.open()`` connects and applies pending migrations."""

    dedupes_on_write = True  # see Store; documents_by_sha and documents_new_docid decide

    def __init__(self, dsn: str, pool_size: int = 10) -> None:
        self.dsn = dsn
        self.pool_size = pool_size
        self._pool: Pool | None = None
        self._replay = ReplayKeys(self._pooled)
        self._sql: dict[str, str] = {}
        self._leases: list[Leases] = []
        self.eventlog = LogSettings()  # new_store sets it from config [eventlog]

    async def open(self) -> None:
        try:
            self._pool = Pool(self.dsn, self.pool_size, ACQUIRE_TIMEOUT_S)
            await self._pool.start()
            await self.migrate()
            async with self.transaction() as conn:
                await chain_pending(conn)  # events from before migration 005 too
        except DATABASE_ERRORS as exc:
            await self.close()
            raise StoreUnavailable(f"cannot open the PostgreSQL store: {exc}") from exc

    async def close(self) -> None:
        for leases in self._leases:
            with contextlib.suppress(*DATABASE_ERRORS):
                await leases.close()
        pool, self._pool = self._pool, None
        if pool is not None:
            try:
                await asyncio.wait_for(pool.close(), 10)
            except CLOSING_ERRORS:
                pool.terminate()

    async def migrate(self) -> list[int]:
        """Apply pending migrations (one transaction each); the numbers applied."""
        applied: list[int] = []
        async with self._connection() as conn:
            await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
            try:
                await conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (number INTEGER PRIMARY KEY, "
                    "name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
                done = {row[0] for row in await conn.fetch("SELECT number FROM schema_migrations")}
                for step in migrations("postgres"):
                    if step.number in done:
                        continue
                    async with conn.transaction():
                        await conn.execute(step.sql)
                        await conn.execute(
                            "INSERT INTO schema_migrations VALUES ($1, $2, $3)",
                            step.number, step.name, now(),
                        )  # fmt: skip
                    applied.append(step.number)
            finally:
                await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)
        return applied

    def leases(self, holder: str) -> Leases:
        """Work leasing for one node (postgres_leases.py); closed with the store."""

        async def listen() -> Any:
            with _transient():
                return await asyncpg.connect(self.dsn, timeout=ACQUIRE_TIMEOUT_S)

        leases = Leases(holder, self.transaction, listen)
        self._leases.append(leases)
        return leases

    # -- plumbing -------------------------------------------------------------------------

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[Any]:
        """This task's claim connection if it holds one, else a pooled connection."""
        held = _my_claim()
        if held is not None:
            with _transient():
                yield held.conn
            return
        async with self._pooled() as conn:
            yield conn

    @asynccontextmanager
    async def _pooled(self) -> AsyncIterator[Any]:
        """A pooled connection; connection-level failures become StoreUnavailable.

        A connection left in doubt (InternalClientError: the server went away mid-operation,
        e.g. PostgreSQL stopped; any driver or network error; a cancellation) is terminated by
        the pool, never handed out again, so the next request gets a fresh one
        (postgres_pool.py, docs/operations.md)."""
        if self._pool is None:
            raise StoreUnavailable("the store is closed")
        with _transient():
            async with self._pool.acquire(ACQUIRE_TIMEOUT_S) as conn:
                yield conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Any]:
        """One write transaction on a pooled connection; errors become StoreUnavailable."""
        async with self._pooled() as conn, conn.transaction():
            yield conn

    async def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        text = self._sql.get(sql) or self._sql.setdefault(sql, numbered(sql))
        async with self._connection() as conn:
            return list(await conn.fetch(text, *params))

    async def _fetchval(self, sql: str, *params: Any) -> Any:
        async with self._connection() as conn:
            return await conn.fetchval(sql, *params)

    async def _event(self, conn: Any, kind: str, at: str, **fields: str) -> None:
        """One event (events_postgres.py): the LAST statement of its transaction."""
        await append(conn, [Event(kind, at, **fields)], self.eventlog)

    # -- claims and intake ----------------------------------------------------------------

    @asynccontextmanager
    async def claim(self, keys: Sequence[str]) -> AsyncIterator[None]:
        """Advisory locks on ``keys`` in a transaction that save_incoming then commits.

        One round trip opens the transaction and takes the locks (claim_sql); a node that
        dies mid-way loses its connection and PostgreSQL releases its locks. A connection
        still in the transaction after this (a rollback that failed) is closed by the pool."""
        if _my_claim() is not None:
            raise RuntimeError("this task already holds a claim")
        async with self._pooled() as conn:
            held = _Claim(conn, asyncio.current_task())
            token = _CLAIM.set(held)
            try:
                await conn.execute(claim_sql(keys))
                yield
            finally:
                _CLAIM.reset(token)
                if held.open:  # refused, duplicate or failed: nothing was written
                    with contextlib.suppress(*DATABASE_ERRORS):
                        await conn.execute("ROLLBACK")

    async def save_incoming(
        self,
        doc: NewDocument,
        deliveries: Sequence[NewDelivery],
        *,
        status: StatusEffect | None = None,
        pending: Sequence[tuple[str, Sequence[str], int]] = (),
    ) -> None:
        """Every row of the package, committed before this returns; inside this task's claim
        when it holds one (its commit releases the claim's locks)."""
        held = _my_claim()
        try:
            data = doc.data
            if held is None and isinstance(data, bytes) and is_common(doc, status, pending):
                # Outside a claim (a new document, intake/pipeline.py): one statement, its own
                # transaction; the unique indexes decide a race with another node.
                async with self._pooled() as conn:
                    await write_common(conn, doc, data, deliveries, self.eventlog)
                return
            if held is None or not held.open:
                async with self.transaction() as conn:
                    await write_incoming(conn, doc, deliveries, status, pending, self.eventlog)
                return
            held.open = False
            with _transient():
                try:
                    await write_incoming(held.conn, doc, deliveries, status, pending, self.eventlog)
                except BaseException:
                    with contextlib.suppress(*DATABASE_ERRORS):
                        await held.conn.execute("ROLLBACK")
                    raise
                await held.conn.execute("COMMIT")
        except asyncpg.UniqueViolationError as exc:
            # Nothing was stored. Outside a claim the pipeline decides again under one;
            # inside, claims make this unreachable, and a retry is answered by dedupe.
            if held is None:
                raise StoredConcurrently(f"stored concurrently by another node: {exc}") from exc
            raise StoreUnavailable(f"stored concurrently by another node: {exc}") from exc

    # -- replay cache ---------------------------------------------------------------------

    async def first_use(self, key: str, keep_s: float) -> bool:
        """Written in batches with the keys of concurrent requests (postgres_replay.py)."""
        return await self._replay.first_use(bytes.fromhex(key)[:16], keep_s)  # the HMAC's hex

    # -- systems and directory writes -----------------------------------------------------

    async def add_system(self, system_id: str, secret: str, name: str = "") -> bool:
        async with self.transaction() as conn:
            added = await conn.fetchval(
                "INSERT INTO systems (system_id, secret, name, created_at) VALUES "
                "($1, $2, $3, $4) ON CONFLICT (system_id) DO NOTHING RETURNING 1",
                system_id, secret, name, now(),
            )  # fmt: skip
            if added:
                await self._event(conn, "system-added", now(), system_id=system_id)
            return bool(added)

    async def set_secret(self, system_id: str, secret: str) -> bool:
        async with self.transaction() as conn:
            changed = await conn.fetchval(
                "UPDATE systems SET secret = $1 WHERE system_id = $2 RETURNING 1",
                secret, system_id,
            )  # fmt: skip
            if changed:
                await self._event(conn, "secret-rotated", now(), system_id=system_id)
            return bool(changed)

    async def import_agencies(self, rows: Iterable[AgencyRow]) -> int:
        params = [
            (r.id, r.pid, r.code or r.id, r.name, r.mail, r.mobile, r.fax, r.system_id, r.upstream)
            for r in rows
        ]
        async with self.transaction() as conn:
            await conn.executemany(
                "INSERT INTO agencies (id, pid, code, name, mail, mobile, fax, system_id, "
                "upstream) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT (id) DO UPDATE SET "
                "pid = excluded.pid, code = excluded.code, name = excluded.name, "
                "mail = excluded.mail, mobile = excluded.mobile, fax = excluded.fax, "
                "system_id = COALESCE(excluded.system_id, agencies.system_id), "
                "upstream = COALESCE(excluded.upstream, agencies.upstream)",
                params,
            )
            await self._event(conn, "agencies-imported", now(), detail=str(len(params)))
        return len(params)

    async def add_agency(self, row: AgencyRow) -> bool:
        async with self.transaction() as conn:
            added = await conn.fetchval(
                "INSERT INTO agencies (id, pid, code, name, mail, mobile, fax, system_id, "
                "upstream) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT (id) DO NOTHING "
                "RETURNING 1",
                row.id, row.pid, row.code or row.id, row.name, row.mail, row.mobile,
                row.fax, row.system_id, row.upstream,
            )  # fmt: skip
            if added:
                # Its former owner taking a retired id back: the id is live again.
                await conn.execute(
                    "DELETE FROM retired_agencies WHERE id = $1 AND system_id = $2",
                    row.id, row.system_id or "",
                )  # fmt: skip
                await self._event(
                    conn, "agency-registered", now(), agency=row.id, system_id=row.system_id or ""
                )
            return bool(added)

    async def retire_agency(self, agency_id: str, system_id: str) -> int:
        """Delete an agency unless deliveries still wait for it (returns how many; then nothing
        changes). An id with document history is kept in retired_agencies with its owner."""
        async with self.transaction() as conn:
            await conn.execute("SELECT 1 FROM agencies WHERE id = $1 FOR UPDATE", agency_id)
            waiting = await conn.fetchval(
                "SELECT count(*) FROM deliveries WHERE agency = $1 "
                "AND state IN ('queued', 'fetched', 'fail')",  # the index seeks; != would walk
                agency_id,
            )
            if waiting:
                return int(waiting)
            history = await conn.fetchval(
                "SELECT EXISTS (SELECT 1 FROM deliveries WHERE agency = $1) "
                "OR EXISTS (SELECT 1 FROM documents WHERE from_agency = $1)",
                agency_id,
            )
            if history:
                await conn.execute(
                    "INSERT INTO retired_agencies (id, system_id, retired_at) VALUES ($1, $2, $3) "
                    "ON CONFLICT (id) DO UPDATE SET system_id = excluded.system_id, "
                    "retired_at = excluded.retired_at",
                    agency_id, system_id, now(),
                )  # fmt: skip
            await conn.execute("DELETE FROM agencies WHERE id = $1", agency_id)
            await self._event(conn, "agency-deleted", now(), agency=agency_id, system_id=system_id)
            return 0

    async def record_refusal(self, refusal: Refusal, keep_days: int) -> None:
        """One refusal row; rows older than ``keep_days`` are deleted in the same transaction."""
        cutoff = (datetime.now(UTC) - timedelta(days=keep_days)).isoformat(timespec="milliseconds")
        async with self.transaction() as conn:
            await conn.execute(
                "INSERT INTO refusals (at, request_id, code, system_id, from_agency, "
                "document_id, sha256, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                refusal.at, refusal.request_id, refusal.code, refusal.system_id,
                refusal.from_agency, refusal.document_id[:500], refusal.sha256,
                refusal.reason[:1000],
            )  # fmt: skip
            await conn.execute("DELETE FROM refusals WHERE at < $1", cutoff)
            await self._event(conn, **refused_event(refusal))

    async def delete_agency(self, agency_id: str) -> bool:
        async with self.transaction() as conn:
            gone = await conn.fetchval("DELETE FROM agencies WHERE id = $1 RETURNING 1", agency_id)
            if gone:
                await self._event(conn, "agency-deleted", now(), agency=agency_id)
            return bool(gone)

    async def assign_agencies(self, system_id: str, agency_ids: Sequence[str]) -> int:
        async with self.transaction() as conn:
            await conn.executemany(
                "UPDATE agencies SET system_id = $1, upstream = NULL WHERE id = $2",
                [(system_id, a) for a in agency_ids],
            )
            return len(agency_ids)

    # -- delivery by pull -----------------------------------------------------------------

    async def fetch(self, delivery_id: str, system_id: str) -> bytes | None:
        found = await self.fetch_document(delivery_id, system_id, inline_up_to=-1)
        if isinstance(found, PgBlob):
            return b"".join([chunk async for chunk in found.chunks()])
        return found

    async def fetch_document(
        self, delivery_id: str, system_id: str, inline_up_to: int
    ) -> bytes | PgBlob | None:
        """fetch(), but a document larger than ``inline_up_to`` bytes (or stored in chunks)
        comes back as a PgBlob that reads it chunk by chunk."""
        found = await self._fetch(delivery_id, system_id, inline_up_to, mine_only=False)
        return found[1] if found else None

    async def fetch_delivery(
        self, delivery_id: str, system_id: str, inline_up_to: int
    ) -> tuple[InboxRow, bytes | PgBlob] | None:
        """getEdoc's ownership check and fetch in one read (base.Store.fetch_delivery)."""
        return await self._fetch(delivery_id, system_id, inline_up_to, mine_only=True)

    async def _fetch(
        self, delivery_id: str, system_id: str, inline_up_to: int, *, mine_only: bool
    ) -> tuple[InboxRow, bytes | PgBlob] | None:
        async with self._connection() as conn:  # one statement, its own transaction
            rows = await conn.fetch(
                FETCH_AND_MARK,
                now(),
                delivery_id,
                system_id,
                APPEND_LOCK,
                self.eventlog.hub,
                self.eventlog.enabled,
                inline_up_to,
                mine_only,
            )
        if not rows or (mine_only and rows[0][5] != system_id):
            return None
        row, (data, size, in_chunks) = InboxRow(*rows[0][:10]), rows[0][10:13]
        if data is not None:
            return row, bytes(data)
        return row, PgBlob(self._fetchval, row.doc_id, size, in_chunks)

    async def acknowledge(self, delivery_id: str, system_id: str, ok: bool, error: str) -> bool:
        """Record done/fail; False when the delivery was already done (final). A conditional
        UPDATE decides, whatever node answers: done is final; fail may be followed by fail or
        done (the recipient retried); of two nodes acknowledging at once, one changes it."""
        return bool((await self._acknowledge(delivery_id, system_id, ok, error, False))[0])

    async def acknowledge_own(
        self, delivery_id: str, system_id: str, ok: bool, error: str
    ) -> tuple[InboxRow, bool] | None:
        """The ownership check and acknowledge() in one statement (base.Store)."""
        changed, *row = await self._acknowledge(delivery_id, system_id, ok, error, True)
        if row[0] is None or row[5] != system_id:
            return None
        return InboxRow(*row), bool(changed)

    async def _acknowledge(
        self, delivery_id: str, system_id: str, ok: bool, error: str, own: bool
    ) -> Any:
        at, state = now(), "done" if ok else "fail"
        async with self._connection() as conn:  # one statement, its own transaction
            return await conn.fetchrow(
                ACKNOWLEDGE,
                state,
                "" if ok else error,
                at,
                delivery_id,
                system_id,
                error[:1000],
                APPEND_LOCK,
                self.eventlog.hub,
                self.eventlog.enabled,
                own,
            )


@contextlib.contextmanager
def _transient() -> Any:
    """Connection-level failures as StoreUnavailable (503 4.7.1 + Retry-After)."""
    try:
        yield
    except TRANSIENT as exc:
        raise StoreUnavailable(f"PostgreSQL: {type(exc).__name__}: {exc}") from exc
    except PoolClosed as exc:
        raise StoreUnavailable(str(exc)) from exc
