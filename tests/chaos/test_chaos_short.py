"""The short chaos runs inside `make test`: real hub processes SIGKILLed under load (one node on
SQLite; two nodes on PostgreSQL).

`make chaos` runs the same harness at full size (10,000 packages, 20 kills)."""

from __future__ import annotations

from pathlib import Path

from bench.chaos import lost_packages, run


async def test_sigkill_under_load_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    ledger = await run(packages=300, kills=3, seed=7, data_dir=tmp_path / "hub")
    assert ledger.kills == 3
    assert len(ledger.accepted) == 300
    assert lost_packages(ledger) == 0
    assert ledger.duplicates == 0


async def test_two_nodes_on_postgresql_sigkilled_under_load_lose_and_duplicate_nothing(
    tmp_path: Path, pg_dsn: str
) -> None:
    ledger = await run(
        packages=300, kills=4, seed=11, data_dir=tmp_path / "cluster", nodes=2, dsn=pg_dsn
    )
    assert ledger.kills == 4
    assert len(ledger.accepted) == 300
    assert lost_packages(ledger) == 0
    assert ledger.duplicates == 0
