"""The short chaos run inside `make test`: a real hub process SIGKILLed under load.

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
