"""Real hubs for the conformance kit's tests: ``axis serve --demo`` as a child process on a
free loopback port with a temp data dir (tests/support/hubproc.py), and a deliberately broken hub."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.hubproc import HubProcess

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = Path(__file__).resolve().parent / "output"  # artifacts (gitignored)


@pytest.fixture(scope="module")
def demo_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubProcess]:
    hub = HubProcess(tmp_path_factory.mktemp("hub"))
    hub.start()
    try:
        yield hub
    finally:
        hub.stop()


async def kit(*args: str) -> tuple[int, str]:
    """``axis conformance hub ARGS`` in its own process: (exit status, output)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "axis", "conformance", "hub", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, cwd=ROOT,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(process.communicate(), 300)
    assert process.returncode is not None
    return process.returncode, out.decode("utf-8", "replace")
