"""Fetch marks and acknowledgements of one group commit, written in one hop to SQLite's thread.

Part of the SQLite store (sqlite.py, sqlite_intake.py). Each getEdoc marks its delivery fetched
and each updateStatus acknowledges one; both ride the next group commit. Written one by one,
each cost two or three awaited ``execute`` calls, every one a hand-off to aiosqlite's thread
and back (profile: thread hand-offs 8% of the hub at 10 KB, docs/performance.md). Here every
mark of a batch runs in one function on that thread, in the order they were submitted, so the
same delivery twice in a batch is decided exactly as in two batches (done is final; fail may
be followed by done); their events (docs/delivery-log.md) go back to the batch, which chains
them with the rest of its events at the commit (events_sqlite.py).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import aiosqlite

from axis.eventlog import kinds
from axis.eventlog.event import Event
from axis.store.events_sqlite import ack_event

# The first fetch moves queued -> fetched (decided here, by the writer: one "fetched" event
# however many fetch at once); every fetch counts an attempt.
FIRST_FETCH = (
    "UPDATE deliveries SET attempts = attempts + 1, state = 'fetched', updated_at = ? "
    "WHERE id = ? AND state = 'queued' RETURNING doc_id, agency"
)
LATER_FETCH = "UPDATE deliveries SET attempts = attempts + 1 WHERE id = ?"
# Decided by the UPDATE's own WHERE: done is final (docs/reliability.md §3).
ACKNOWLEDGE = (
    "UPDATE deliveries SET state = ?, last_error = ?, updated_at = ?, acked_at = ? "
    "WHERE id = ? AND state <> 'done' RETURNING doc_id, agency"
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


def _apply(raw: sqlite3.Connection, marks: list[Mark]) -> list[Event]:
    """On aiosqlite's thread, inside the batch's open transaction; the events to record."""
    events: list[Event] = []
    for mark in marks:
        if isinstance(mark, FetchMark):
            moved = raw.execute(FIRST_FETCH, (mark.at, mark.delivery_id)).fetchall()
            if moved:
                events.append(
                    Event(
                        kinds.FETCHED, mark.at, moved[0][0], mark.delivery_id, moved[0][1],
                        mark.system_id, kinds.actor_system(mark.system_id),
                    )
                )  # fmt: skip
            else:
                raw.execute(LATER_FETCH, (mark.delivery_id,))
            continue
        state = "done" if mark.ok else "fail"
        error = "" if mark.ok else mark.error
        acked = mark.at if mark.ok else ""
        changed = raw.execute(ACKNOWLEDGE, (state, error, mark.at, acked, mark.delivery_id))
        found = changed.fetchall()
        mark.changed = bool(found)
        if found:
            fields = ack_event(
                mark.at, mark.delivery_id, mark.system_id, state, mark.error, *found[0]
            )
            events.append(Event(**fields))
    return events


async def write_marks(conn: aiosqlite.Connection, marks: list[Mark]) -> list[Event]:
    """Every mark of the batch in one hand-off (aiosqlite has no API for a function; its
    private ``_execute`` runs one on the connection's thread, as sqlite_intake.py's blob copy);
    the events they make true."""
    if not marks:
        return []
    return list(await conn._execute(_apply, conn._conn, marks))
