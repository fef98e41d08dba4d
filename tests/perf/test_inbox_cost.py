"""Listing an inbox costs what is pending in it, not the history of acknowledged deliveries.

docs/performance.md relies on this: a receiving system polls getReceivedEdocList all day, and
every delivery it ever acknowledged stays in the store. SQLite's VM instruction count (a
progress handler on the store's own reader connection) is the cost measure: exact, and
independent of the machine's load.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.support.vm_steps import counted_store

SYSTEM, AGENCY = "00.47.W00", "000.00.00.G22"
PENDING = 5


def seed(path: Path, done: int) -> None:
    """A system, its agency and ``done`` acknowledged + PENDING queued deliveries, written with
    plain SQL (the test's own, so the store's write path is not what is measured)."""
    at = "2026-12-02T00:00:00.000+00:00"
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO systems VALUES (?, 's', '', ?)", (SYSTEM, at))
        conn.execute("INSERT INTO agencies (id, system_id) VALUES (?, ?)", (AGENCY, SYSTEM))
        for n in range(done + PENDING):
            doc = f"doc{n:06d}"
            conn.execute(
                "INSERT INTO documents (id, from_agency, system_id, message_type, sha256, size,"
                " data, created_at) VALUES (?, '000.00.00.H47', '00.22.W00', 'edoc', ?, 1, x'00', ?)",
                (doc, doc, at),
            )
            conn.execute(
                "INSERT INTO deliveries (id, doc_id, agency, message_type, state, created_at,"
                " updated_at) VALUES (?, ?, ?, 'edoc', ?, ?, ?)",
                (f"d{n:06d}", doc, AGENCY, "done" if n < done else "queued", at, at),
            )


async def listing_steps(tmp_path: Path, done: int) -> tuple[int, int]:
    """(rows listed, SQLite VM steps) for one getReceivedEdocList-sized read."""
    async with counted_store(tmp_path, lambda path: seed(path, done)) as (store, steps):
        rows = await store.list_received(SYSTEM, "edoc", limit=500)
        return len(rows), steps()


async def test_inbox_listing_does_not_scan_acknowledged_history(tmp_path: Path) -> None:
    listed_fresh, fresh = await listing_steps(tmp_path / "fresh", 0)
    listed_old, old = await listing_steps(tmp_path / "old", 3000)
    assert listed_fresh == listed_old == PENDING
    # 3000 acknowledged rows must not cost 3000 index visits: the same work within noise
    # (statement preparation, schema reads), nothing proportional to the history.
    assert old < fresh * 1.5, f"{old} VM steps with 3000 done deliveries vs {fresh} with none"
