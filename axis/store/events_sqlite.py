"""Delivery-log writes on SQLite: chained appends, seals, and chaining rows from before 005.

Part of the SQLite store. A transaction's events are appended together just before its
COMMIT, on the one writer connection (sqlite.py), after the head this process committed last:
one process, one writer, one chain, one insert per transaction (group commit batches many
packages into one), docs/delivery-log.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiosqlite

from axis.eventlog import hops, kinds
from axis.eventlog.chain import GENESIS, links
from axis.eventlog.event import CONTENT_FIELDS, Event, LogSettings, SealRow
from axis.store.base import FileBytes, NewDelivery, NewDocument, Refusal, StatusEffect

INSERT_EVENT = (
    f"INSERT INTO events ({', '.join(CONTENT_FIELDS)}, prev, hash) "
    f"VALUES ({', '.join('?' * (len(CONTENT_FIELDS) + 2))})"
)
# sign(seq, head_hash, at) -> (base64 signature, hub name, certificate PEM)
Signer = Callable[[int, str, str], tuple[str, str, str]]


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


HUB_ACTOR = kinds.actor_hub("")


def stamped(event: Event, settings: LogSettings) -> list[str]:
    """The event's content values in chain order (CONTENT_FIELDS), its time and hop filled in
    where the caller left them empty (and an actor ``hub:`` named: this hub). Values, not a new
    Event: built per recipient of a package. Listed by hand, in CONTENT_FIELDS order
    (tests/eventlog/test_stamped.py fails when a field is added there and not here)."""
    hub_actor = event.actor == HUB_ACTOR
    return [
        event.at or now(), event.kind, event.doc_id, event.delivery_id, event.agency,
        event.system_id, kinds.actor_hub(settings.hub) if hub_actor else event.actor,
        event.hop or settings.hub, event.code, event.ref, event.detail,
    ]  # fmt: skip


def stamped_columns(events: Sequence[Event], settings: LogSettings) -> list[list[str]]:
    """``events`` stamped, one list per content field (PostgreSQL's unnest arrays; empty lists
    for no events)."""
    rows = [stamped(e, settings) for e in events]
    return [[row[n] for row in rows] for n in range(len(CONTENT_FIELDS))]


def chained(prev: str, events: Sequence[Event], settings: LogSettings) -> list[tuple[Any, ...]]:
    """Insert parameters for ``events`` (stamped) appended after the head hash ``prev``."""
    contents = [stamped(e, settings) for e in events]
    return [(*values, *pair) for values, pair in zip(contents, links(prev, contents), strict=True)]


@dataclass
class ChainTail:
    """The SQLite writer's end of the chain: the committed head (None = read it from the
    table) and the events of the transaction now open, appended in one statement just before
    its COMMIT (sqlite.py ``transaction``). One writer per process and one process per
    database file, so the cached head cannot go stale."""

    head: str | None = None
    events: list[Event] = field(default_factory=list)


async def flush(conn: aiosqlite.Connection, tail: ChainTail, settings: LogSettings) -> str | None:
    """Append the open transaction's events to the chain; the new head (None: nothing added).
    The caller commits, then makes the returned head ``tail.head``."""
    events, tail.events = tail.events, []
    if not settings.enabled or not events:
        return None
    prev = tail.head
    if prev is None:
        cursor = await conn.execute("SELECT hash FROM events ORDER BY seq DESC LIMIT 1")
        found = await cursor.fetchone()
        prev = str(found[0]) if found and found[0] else GENESIS
    rows = chained(prev, events, settings)
    await conn.executemany(INSERT_EVENT, rows)
    return str(rows[-1][-1])


async def chain_unchained(conn: aiosqlite.Connection) -> int:
    """Chain the rows written before migration 005 (hash ''), once: only while no row is
    chained yet; afterwards a row without a hash is tampering, for ``axis log verify``."""
    cursor = await conn.execute("SELECT 1 FROM events WHERE hash <> '' LIMIT 1")
    if await cursor.fetchone() is not None:
        return 0
    cursor = await conn.execute(f"SELECT seq, {', '.join(CONTENT_FIELDS)} FROM events ORDER BY seq")
    rows = await cursor.fetchall()
    pairs = links(GENESIS, (content for _, *content in rows))
    updates = [(*pair, row[0]) for pair, row in zip(pairs, rows, strict=True)]
    await conn.executemany("UPDATE events SET prev = ?, hash = ? WHERE seq = ?", updates)
    return len(updates)


class SqliteEvents:
    """Mixin for SqliteStore: the delivery log's writes (see Store in base.py)."""

    eventlog: LogSettings
    _group: Any

    def transaction(self) -> AbstractAsyncContextManager[aiosqlite.Connection]:
        raise NotImplementedError

    async def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        raise NotImplementedError

    _tail: ChainTail

    def _log(self, *events: Event) -> None:
        """Record ``events`` in the write transaction now open (chained at its commit)."""
        self._tail.events.extend(events)

    async def chain_pending(self) -> int:
        """Nothing waits: SQLite links each transaction's events before its commit."""
        return 0

    async def record_event(self, *events: Event) -> None:
        async def write(_: aiosqlite.Connection) -> None:
            self._log(*events)

        await self._group.submit(write)

    async def seal_head(self, sign: Signer) -> SealRow | None:
        """Seal the chain's head if events were added since the last seal; the new seal."""
        async with self.transaction() as conn:
            cursor = await conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
            head = await cursor.fetchone()
            cursor = await conn.execute("SELECT MAX(seq) FROM event_seals")
            sealed = (await cursor.fetchone() or (None,))[0]
            if head is None or not head[1] or (sealed is not None and sealed >= head[0]):
                return None
            at = now()
            signature, hub, cert = sign(int(head[0]), str(head[1]), at)
            cursor = await conn.execute(
                "INSERT INTO event_seals (seq, hash, at, hub, signature, cert) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (head[0], head[1], at, hub, signature, cert),
            )
            assert cursor.lastrowid is not None
            return SealRow(cursor.lastrowid, int(head[0]), str(head[1]), at, hub, signature, cert)

    async def document_bytes(self, doc_id: str) -> bytes | None:
        """A stored document's exact bytes (evidence export; not a fetch: nothing is marked)."""
        rows = await self._read("SELECT data FROM documents WHERE id = ?", (doc_id,))
        return bytes(rows[0][0]) if rows else None


def intake_events(
    doc: NewDocument, deliveries: Sequence[NewDelivery], status: StatusEffect | None
) -> list[Event]:
    """The events of one accepted package: received, routed per recipient, substituted per
    recipient that replaces a retired agency, and the business status it reports on its
    original (docs/delivery-log.md)."""
    at, sender = doc.created_at, kinds.actor_system(doc.system_id)
    findings = ",".join(code for code, _ in doc.findings)
    size = doc.data.size if isinstance(doc.data, FileBytes) else len(doc.data)
    events = [
        Event(
            kinds.RECEIVED,
            at,
            doc.id,
            agency=doc.from_agency,
            system_id=doc.system_id,
            actor=sender,
            code=doc.status_code if doc.message_type == "status" else "",
            ref=doc.document_id,
            detail=f"{doc.message_type} type {doc.business_type} to {len(deliveries)} "
            f"recipient(s); {size} bytes sha256 {doc.sha256}"
            + stored_digest(doc)
            + hops.encode(doc.hops)
            + (f"; warnings {findings}" if findings else ""),
        )
    ]
    events += [
        Event(
            kinds.ROUTED, at, doc.id, d.id, d.agency, actor=sender, ref=doc.document_id,
            detail=d.route or "no system yet",
        )
        for d in deliveries
    ]  # fmt: skip
    events += [
        Event(
            kinds.SUBSTITUTED, at, doc.id, d.id, d.replaces, actor=kinds.actor_hub(""),
            ref=doc.document_id, detail=f"{d.agency} (delivery {d.id})",
        )
        for d in deliveries
        if d.replaces
    ]  # fmt: skip
    if status is not None:
        events.append(
            Event(
                kinds.STATUS, at, status.original_id, agency=status.reporter,
                system_id=doc.system_id, actor=kinds.actor_agency(status.reporter),
                code=status.code, detail=f"status package {doc.id}",
            )
        )  # fmt: skip
    return events


def stored_digest(doc: NewDocument) -> str:
    """ "; stored sha256 H" when the hub stores other bytes than it received: a package another
    hub handed over gets this hub's TraceHeader (docs/tiers.md), so the evidence bundle's
    document.xml is proven by H while the receipt names the bytes received."""
    if not doc.hops or not isinstance(doc.data, bytes):
        return ""
    stored = hashlib.sha256(doc.data).hexdigest()
    return f"; stored sha256 {stored}" if stored != doc.sha256 else ""


def refused_event(refusal: Refusal) -> dict[str, str]:
    """The refused event's fields (kind, at, ...): what was refused, why, under which request."""
    return dict(
        kind=kinds.REFUSED, at=refusal.at, agency=refusal.from_agency,
        system_id=refusal.system_id, actor=kinds.actor_system(refusal.system_id),
        code=refusal.code, ref=refusal.document_id[:500],
        detail=f"request {refusal.request_id}; sha256 {refusal.sha256}; {refusal.reason[:500]}",
    )  # fmt: skip


def ack_event(
    at: str, delivery_id: str, system_id: str, state: str, error: str, doc_id: str, agency: str
) -> dict[str, str]:
    """The acknowledged event's fields: code done | fail, detail the recipient's error."""
    return dict(
        kind=kinds.ACKNOWLEDGED, at=at, doc_id=doc_id, delivery_id=delivery_id, agency=agency,
        system_id=system_id, actor=kinds.actor_system(system_id), code=state,
        detail=error[:1000],
    )  # fmt: skip
