"""The daemon owns background tasks: started with ``spawn``, failures logged, stopped at close.

The bridge, the queue manager and the log sealer run this way; these tests hold the start/stop
contract on a real Daemon (SQLite in a temp dir, the dev PKI's trust store).
"""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import pytest

from axis import config as config_mod
from axis import logs
from axis.config import Config
from axis.daemon import Daemon


@pytest.fixture
def cfg(tmp_path: Path) -> Config:
    cfg = config_mod.load(None)
    cfg = config_mod.replace(cfg, "hub", data_dir=str(tmp_path))
    return config_mod.replace(cfg, "signature", trust_dir=str(tmp_path / "no-anchors"))


async def test_close_cancels_and_awaits_every_background_task(cfg: Config) -> None:
    daemon = await Daemon.start(cfg)
    started, stopped = asyncio.Event(), asyncio.Event()

    async def forever() -> None:
        started.set()
        try:
            await asyncio.sleep(3600)
        finally:
            stopped.set()

    task = daemon.spawn("forever", forever)
    await asyncio.wait_for(started.wait(), 5)
    await daemon.close()
    assert task.cancelled() and stopped.is_set()


async def test_a_failing_task_is_logged_not_lost(cfg: Config) -> None:
    lines = io.StringIO()
    logs.setup("json", "info", stream=lines)
    daemon = await Daemon.start(cfg)

    async def broken() -> None:
        raise RuntimeError("bridge lost its upstream")

    task = daemon.spawn("broken", broken)
    await asyncio.wait([task])
    await asyncio.sleep(0)  # the done callback runs on the next loop turn
    await daemon.close()
    failed = [json.loads(line) for line in lines.getvalue().splitlines()]
    failed = [entry for entry in failed if entry["event"] == "background task failed"]
    assert len(failed) == 1 and failed[0]["task"] == "broken", failed
    assert "bridge lost its upstream" in json.dumps(failed[0])


async def test_the_same_task_name_cannot_run_twice(cfg: Config) -> None:
    daemon = await Daemon.start(cfg)
    daemon.spawn("once", lambda: asyncio.sleep(3600))
    with pytest.raises(RuntimeError, match="already running"):
        daemon.spawn("once", lambda: asyncio.sleep(3600))
    await daemon.close()
