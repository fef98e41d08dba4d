"""Intake's dedupe look-up costs the same whatever the sender has sent before.

Every sendEdoc asks whether these bytes came from this sender already and whether its
DocumentId is taken (``Store.dedupe_lookup``). Before migration 013 SQLite's planner answered
the first question by walking every document of the sender in time order, so intake slowed as
the store grew (the queue-depth benchmark went from minutes to a quarter of an hour). Measured
as in test_inbox_cost.py: SQLite VM steps on the store's own reader connection.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.support.vm_steps import counted_store, insert_documents

SENDER = "000.00.00.H47"


def seed(path: Path, sent: int) -> None:
    """``sent`` earlier documents from SENDER, written with plain SQL."""
    at = "2026-12-02T00:00:00.000+00:00"
    with sqlite3.connect(path) as conn:
        insert_documents(conn, SENDER, "00.22.W00", sent, "doc", at)


async def lookup_steps(tmp_path: Path, sent: int, sha256: str) -> tuple[bool, int]:
    """(found a duplicate, SQLite VM steps) for one dedupe look-up of a package."""
    async with counted_store(tmp_path, lambda path: seed(path, sent)) as (store, steps):
        found, _ = await store.dedupe_lookup(SENDER, sha256, f"{SENDER},2026/12/03,new")
        return found is not None, steps()


async def test_a_new_package_is_looked_up_without_walking_the_senders_history(
    tmp_path: Path,
) -> None:
    found_fresh, fresh = await lookup_steps(tmp_path / "fresh", 1, "new-sha")
    found_old, old = await lookup_steps(tmp_path / "old", 3000, "new-sha")
    assert not found_fresh and not found_old
    assert old < fresh * 1.5, f"{old} VM steps after 3000 sent documents vs {fresh} after one"


async def test_a_repeated_package_is_found_as_cheaply(tmp_path: Path) -> None:
    found_fresh, fresh = await lookup_steps(tmp_path / "fresh", 1, "sha000000")
    found_old, old = await lookup_steps(tmp_path / "old", 3000, "sha001500")
    assert found_fresh and found_old
    assert old < fresh * 1.5, f"{old} VM steps after 3000 sent documents vs {fresh} after one"
