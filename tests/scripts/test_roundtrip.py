"""scripts/roundtrip.py, the operator's smoke test, succeeds against a real demo hub."""

from __future__ import annotations

from pathlib import Path

from scripts.roundtrip import roundtrip
from tests.support.hubproc import HubProcess


async def test_the_roundtrip_script_passes_against_a_fresh_demo_hub(tmp_path: Path) -> None:
    hub = HubProcess(tmp_path / "hub")
    hub.start()
    try:
        await roundtrip(hub.endpoint, hub.data_dir)  # raises SystemExit on any failed step
    finally:
        hub.stop()
