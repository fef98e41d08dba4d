"""Group commit for intake: concurrent ``save_incoming`` calls share one SQLite transaction.

Part of the SQLite store. Each accepted package is still written whole (document, deliveries,
status effects, event) and its caller is answered only after the COMMIT that contains it
(docs/architecture.md principle 1). While one batch commits, the packages that arrive queue up and go
together in the next one: one fsync and a handful of executemany round trips to the writer
thread per batch instead of per package. Measured: see docs/decisions.md "Group commit".
If a batch fails, every package in it fails (nothing of it is stored) and each caller gets the
error; the store stays consistent because it is one transaction.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import aiosqlite

from axis.eventlog.event import Event
from axis.store.base import FileBytes, NewDelivery, NewDocument, StatusEffect, status_order
from axis.store.events_sqlite import intake_events
from axis.store.sqlite_marks import Ack, FetchMark, Mark, write_marks

# Upper bound on packages per transaction (keeps one batch's memory and latency bounded).
MAX_BATCH = 64


@dataclass(frozen=True)
class Incoming:
    doc: NewDocument
    deliveries: Sequence[NewDelivery]
    status: StatusEffect | None
    pending: Sequence[tuple[str, Sequence[str], int]]


# A small write (a refusal row) that rides along in the next batch; fetch marks and
# acknowledgements ride along as Marks (sqlite_marks.py), all written in one hop.
Op = Callable[[aiosqlite.Connection], Awaitable[None]]
Item = Incoming | Mark | Op


class GroupCommit:
    """Collects write items; ``write`` (one transaction per batch) runs one batch at a time."""

    def __init__(self, write: Callable[[list[Item]], Awaitable[None]]) -> None:
        self._write = write
        self._queue: list[tuple[Item, asyncio.Future[None]]] = []
        self._running = False
        self._task: asyncio.Task[None] | None = None  # a reference keeps the task alive

    async def submit(self, item: Item) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if not self._running:
            self._running = True
            self._task = asyncio.get_running_loop().create_task(self._drain())
        await future

    async def _drain(self) -> None:
        try:
            while self._queue:
                batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
                try:
                    await self._write([item for item, _ in batch])
                except BaseException as exc:
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    if not isinstance(exc, Exception):
                        raise
                else:
                    for _, future in batch:
                        if not future.done():
                            future.set_result(None)
        finally:
            self._running = False


async def write_batch(conn: aiosqlite.Connection, batch: list[Item]) -> list[Event]:
    """Every item's rows, inside the caller's transaction; the packages' events to record."""
    items = [item for item in batch if isinstance(item, Incoming)]
    for item in batch:
        if not isinstance(item, Incoming | FetchMark | Ack):
            await item(conn)
    events = await write_marks(conn, [item for item in batch if isinstance(item, FetchMark | Ack)])
    if not items:
        return events
    await conn.executemany(
        INSERT_DOCUMENT.format(data="?"),
        [_document_row(i.doc) for i in items if not isinstance(i.doc.data, FileBytes)],
    )
    for item in items:
        if isinstance(item.doc.data, FileBytes):
            await _insert_from_file(conn, item.doc, item.doc.data)
    await conn.executemany(
        "INSERT INTO deliveries (id, doc_id, agency, message_type, route, state, created_at, "
        "updated_at, status_key, status_at) VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?)",
        _delivery_rows(items),
    )
    await _status_effects(conn, items)
    return events + [e for i in items for e in intake_events(i.doc, i.deliveries, i.status)]


def _delivery_rows(items: list[Incoming]) -> list[tuple[str, ...]]:
    """The deliveries' insert parameters; a package's time and status order computed once."""
    rows: list[tuple[str, ...]] = []
    for item in items:
        doc, order = item.doc, status_order(item.doc)
        rows += [
            (
                d.id,
                doc.id,
                d.agency,
                d.message_type,
                d.route,
                doc.created_at,
                doc.created_at,
                *order,
            )
            for d in item.deliveries
        ]
    return rows


INSERT_DOCUMENT = (
    "INSERT INTO documents (id, from_agency, system_id, message_type, document_id, "
    "business_type, original_id, status_code, sha256, size, data, subject, "
    "notation, findings, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,{data},?,?,?,?)"
)


def _document_row(doc: NewDocument) -> tuple[object, ...]:
    size = doc.data.size if isinstance(doc.data, FileBytes) else len(doc.data)
    data = size if isinstance(doc.data, FileBytes) else doc.data  # zeroblob(size) for a file
    return (
        doc.id, doc.from_agency, doc.system_id, doc.message_type, doc.document_id,
        doc.business_type, doc.original_id, doc.status_code, doc.sha256, size,
        data, doc.subject, doc.notation, json.dumps(doc.findings, ensure_ascii=False),
        doc.created_at,
    )  # fmt: skip


async def _insert_from_file(
    conn: aiosqlite.Connection, doc: NewDocument, source: FileBytes
) -> None:
    """A large document: the row with zeroblob(size), then the bytes copied in 1 MiB chunks by
    incremental blob I/O (Connection.blobopen), inside the batch's transaction."""
    cursor = await conn.execute(INSERT_DOCUMENT.format(data="zeroblob(?)"), _document_row(doc))
    rowid = cursor.lastrowid
    assert rowid is not None

    def copy(raw: sqlite3.Connection) -> None:
        with raw.blobopen("documents", "data", rowid) as blob:
            for chunk in source.chunks():
                blob.write(chunk)

    # aiosqlite has no blob API; run the copy on its connection thread like any statement.
    await conn._execute(copy, conn._conn)


async def _status_effects(conn: aiosqlite.Connection, items: list[Incoming]) -> None:
    statuses = [(i.doc, i.status) for i in items if i.status is not None]
    if statuses:
        await conn.executemany(
            "INSERT INTO statuses (original_id, agency, code, status_doc, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [(s.original_id, s.reporter, s.code, d.id, d.created_at) for d, s in statuses],
        )
        await conn.executemany(
            "UPDATE deliveries SET biz_status = ?, biz_status_at = ?, updated_at = ? "
            "WHERE doc_id = ? AND agency = ?",
            [(s.code, d.created_at, d.created_at, s.original_id, s.reporter) for d, s in statuses],
        )
    pending = [
        (value, original_id, agency)
        for item in items
        for original_id, agencies, value in [
            *item.pending,
            *(
                [(item.status.original_id, item.status.pending_agencies, item.status.pending_value)]
                if item.status is not None and item.status.pending_value is not None
                else []
            ),
        ]
        for agency in agencies
    ]
    if pending:
        await conn.executemany(
            "UPDATE deliveries SET pending_change = ? WHERE doc_id = ? AND agency = ?", pending
        )
