"""Delivery-log writes on PostgreSQL: every node appends, one chainer links, one chain.

Part of the PostgreSQL store. Several hub nodes append to one chain without waiting for each
other: a transaction inserts its events unlinked (prev = hash = '') as its LAST statement,
holding APPEND_LOCK in shared mode (transaction-scoped, so until its commit). The chainer
(``chain_pending``: the daemon's chainer task on every node, the sealer, the CLI; one at a
time under CHAINER_LOCK) takes APPEND_LOCK exclusively for an instant, which waits until every
transaction that may hold a smaller seq has committed or rolled back, reads the greatest seq,
lets go, and links every unlinked event up to it in seq order. So the chain follows seq, no
event is linked before its transaction committed, and appenders never serialise on a chain
head. Cost: an event is chained up to eventlog.chain_every_s after its commit (docs/decisions.md
"One chain on a shared PostgreSQL"); until then only the database protects it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from axis.eventlog.chain import GENESIS, links
from axis.eventlog.event import CONTENT_FIELDS, Event, LogSettings, SealRow
from axis.store.events_sqlite import Signer, now, stamped_columns

APPEND_LOCK = 0x61786973_6C6F67  # "axislog": shared by appenders, exclusive for an instant
CHAINER_LOCK = 0x61786973_6C6E6B  # "axislnk": one chainer at a time
# One round trip per transaction: take the shared lock, then insert every event (a row cannot
# reach the INSERT, so take its seq, before the lock's one row exists).
INSERT_EVENTS = (
    "WITH held AS (SELECT pg_advisory_xact_lock_shared($1)) "
    f"INSERT INTO events ({', '.join(CONTENT_FIELDS)}) SELECT e.* FROM held, unnest("
    + ", ".join(f"${n}::text[]" for n in range(2, len(CONTENT_FIELDS) + 2))
    + f") AS e({', '.join(CONTENT_FIELDS)})"
)
# A batch's links in one statement (was one UPDATE per event: an executor start and a Bind/
# Execute per row on the server; docs/performance.md "What moved the figures").
LINK_EVENTS = (
    "UPDATE events AS e SET prev = u.prev, hash = u.hash "
    "FROM unnest($1::text[], $2::text[], $3::bigint[]) AS u(prev, hash, seq) WHERE e.seq = u.seq"
)
# Events linked per chainer statement batch (bounded memory when much is pending).
CHAIN_BATCH = 5000
# The chainer first TRIES the exclusive APPEND_LOCK this many times, this far apart, before it
# waits for it: a waiting exclusive request queues every new appender behind it (PostgreSQL's
# lock queue), which stalled intake, fetch and ack on every node at each pass (measured: two
# nodes, 10 KB intake 253 -> 291/s with passes 10x rarer; docs/decisions.md "The chainer
# tries before it waits"). A try never queues; it succeeds whenever no appender is open.
APPEND_TRIES = 20
APPEND_TRY_EVERY_S = 0.005


async def append(conn: Any, events: Sequence[Event], settings: LogSettings) -> None:
    """Insert ``events`` unlinked inside the caller's open transaction; its LAST statement
    (the shared APPEND_LOCK is held until the commit)."""
    if not settings.enabled or not events:
        return
    await conn.execute(INSERT_EVENTS, APPEND_LOCK, *stamped_columns(events, settings))


async def chain_pending(conn: Any) -> int:
    """Link every committed, unlinked event after the chain's head, in seq order (inside the
    caller's open transaction); how many were linked."""
    await conn.execute("SELECT pg_advisory_xact_lock($1)", CHAINER_LOCK)
    await _append_lock(conn)  # waits out appenders
    try:
        upto = await conn.fetchval("SELECT max(seq) FROM events")
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", APPEND_LOCK)
    head = await conn.fetchrow(
        "SELECT seq, hash FROM events WHERE hash <> '' ORDER BY seq DESC LIMIT 1"
    )
    after, prev = (int(head["seq"]), str(head["hash"])) if head else (0, GENESIS)
    linked = 0
    while upto is not None and after < upto:
        rows = await conn.fetch(
            f"SELECT seq, {', '.join(CONTENT_FIELDS)} FROM events WHERE seq > $1 AND seq <= $2 "
            "ORDER BY seq LIMIT $3",
            after, upto, CHAIN_BATCH,
        )  # fmt: skip
        if not rows:
            break
        pairs = links(prev, ([row[f] for f in CONTENT_FIELDS] for row in rows))
        updates = [(*pair, row["seq"]) for pair, row in zip(pairs, rows, strict=True)]
        prev = pairs[-1][1]
        await conn.execute(LINK_EVENTS, *zip(*updates, strict=True))
        after, linked = int(rows[-1]["seq"]), linked + len(rows)
    return linked


async def _append_lock(conn: Any) -> None:
    """APPEND_LOCK exclusively (session-level: the caller unlocks it), tried before waited for
    so that appenders are not queued behind the chainer while it can help it."""
    for _ in range(APPEND_TRIES):
        if await conn.fetchval("SELECT pg_try_advisory_lock($1)", APPEND_LOCK):
            return
        await asyncio.sleep(APPEND_TRY_EVERY_S)
    await conn.execute("SELECT pg_advisory_lock($1)", APPEND_LOCK)


class PostgresEvents:
    """Mixin for PostgresStore: the delivery log's writes (see Store in base.py)."""

    eventlog: LogSettings

    def transaction(self) -> AbstractAsyncContextManager[Any]:
        raise NotImplementedError

    async def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        raise NotImplementedError

    async def _fetchval(self, sql: str, *params: Any) -> Any:
        raise NotImplementedError

    async def record_event(self, *events: Event) -> None:
        async with self.transaction() as conn:
            await append(conn, events, self.eventlog)

    async def chain_pending(self) -> int:
        async with self.transaction() as conn:
            return await chain_pending(conn)

    async def seal_head(self, sign: Signer) -> SealRow | None:
        """Link what is pending, then seal the head if it moved since the last seal (any
        node's); the new seal."""
        async with self.transaction() as conn:
            await chain_pending(conn)  # holds CHAINER_LOCK to the commit: one sealer at a time
            head = await conn.fetchrow(
                "SELECT seq, hash FROM events WHERE hash <> '' ORDER BY seq DESC LIMIT 1"
            )
            sealed = await conn.fetchval("SELECT MAX(seq) FROM event_seals")
            if head is None or (sealed is not None and sealed >= head["seq"]):
                return None
            at = now()
            signature, hub, cert = sign(int(head["seq"]), str(head["hash"]), at)
            seal_id = await conn.fetchval(
                "INSERT INTO event_seals (seq, hash, at, hub, signature, cert) "
                "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                head["seq"], head["hash"], at, hub, signature, cert,
            )  # fmt: skip
            return SealRow(
                int(seal_id), int(head["seq"]), str(head["hash"]), at, hub, signature, cert
            )

    async def document_bytes(self, doc_id: str) -> bytes | None:
        """A stored document's exact bytes, inline or from its chunks (nothing is marked)."""
        rows = await self._read("SELECT data FROM documents WHERE id = ?", (doc_id,))
        if not rows:
            return None
        if rows[0][0] is not None:
            return bytes(rows[0][0])
        chunks = await self._read(
            "SELECT data FROM document_chunks WHERE doc_id = ? ORDER BY seq", (doc_id,)
        )
        return b"".join(bytes(chunk[0]) for chunk in chunks)
