"""Fetch marks and acknowledgements of one group commit, written in one hop to SQLite's thread.

Part of the SQLite store (sqlite.py, sqlite_intake.py). Each getEdoc marks its delivery fetched
and each updateStatus acknowledges one; both ride the next group commit. Written one by one,
each cost two or three awaited ``execute`` calls, every one a hand-off to aiosqlite's thread
and back (profile: thread hand-offs 8% of the hub at 10 KB, docs/performance.md). Here every
mark of a batch runs in one function on that thread, in the order they were submitted, so the
same delivery twice in a batch is decided exactly as in two batches (done is final; fail may
be followed by done), and their events go in with one executemany.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import aiosqlite

# The first fetch moves queued -> fetched (decided here, by the writer: one "fetched" event
# however many fetch at once); every fetch counts an attempt.
FIRST_FETCH = (
    "UPDATE deliveries SET attempts = attempts + 1, state = 'fetched', updated_at = ? "
    "WHERE id = ? AND state = 'queued'"
)
LATER_FETCH = "UPDATE deliveries SET attempts = attempts + 1 WHERE id = ?"
# Decided by the UPDATE's own WHERE: done is final (docs/reliability.md §3).
ACKNOWLEDGE = (
    "UPDATE deliveries SET state = ?, last_error = ?, updated_at = ? "
    "WHERE id = ? AND state <> 'done'"
)
INSERT_EVENT = (
    "INSERT INTO events (at, kind, doc_id, delivery_id, agency, system_id, detail) "
    "VALUES (?, ?, '', ?, '', ?, ?)"
)


@dataclass
class FetchMark:
    """A delivery handed out by getEdoc."""

    delivery_id: str
    system_id: str
    at: str


@dataclass
class Ack:
    """An acknowledgement; ``changed`` is set by the write (False: it was already done)."""

    delivery_id: str
    system_id: str
    ok: bool
    error: str
    at: str
    changed: bool = False


Mark = FetchMark | Ack


def _apply(raw: sqlite3.Connection, marks: list[Mark]) -> None:
    """On aiosqlite's thread, inside the batch's open transaction."""
    events: list[tuple[str, str, str, str, str]] = []
    for mark in marks:
        if isinstance(mark, FetchMark):
            if raw.execute(FIRST_FETCH, (mark.at, mark.delivery_id)).rowcount:
                events.append((mark.at, "fetched", mark.delivery_id, mark.system_id, ""))
            else:
                raw.execute(LATER_FETCH, (mark.delivery_id,))
            continue
        state = "done" if mark.ok else "fail"
        error = "" if mark.ok else mark.error
        cursor = raw.execute(ACKNOWLEDGE, (state, error, mark.at, mark.delivery_id))
        mark.changed = cursor.rowcount > 0
        if mark.changed:
            events.append((mark.at, state, mark.delivery_id, mark.system_id, mark.error))
    if events:
        raw.executemany(INSERT_EVENT, events)


async def write_marks(conn: aiosqlite.Connection, marks: list[Mark]) -> None:
    """Every mark of the batch in one hand-off (aiosqlite has no API for a function; its
    private ``_execute`` runs one on the connection's thread, as sqlite_intake.py's blob copy)."""
    if marks:
        await conn._execute(_apply, conn._conn, marks)
