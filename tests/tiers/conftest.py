"""Three hubs on loopback as child processes: national, Quảng Nam (H47), Nghệ An (H41)
(axis/directory/network.py seeds them as `make run` does; docs/tiers.md)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import pytest

from adapters.vxp.client import VxpClient
from axis.directory import network
from axis.pki import devpki
from tests.support.hubproc import HubProcess, free_port

T = TypeVar("T")


@dataclass
class Network:
    base: Path
    hubs: dict[str, HubProcess]
    systems: dict[str, dict[str, Any]]  # system id -> systems.json entry
    pki: devpki.DevPki
    session: aiohttp.ClientSession

    def client(self, system_id: str) -> VxpClient:
        entry = self.systems[system_id]
        return VxpClient(entry["endpoint"], system_id, entry["secret"], session=self.session)

    def system_of(self, agency: str) -> str:
        return next(s for s, e in self.systems.items() if agency in e["agencies"])


def hub_processes(
    base: Path, plans: list[network.HubPlan], extra: str = ""
) -> dict[str, HubProcess]:
    pki_dir = base / "demo" / "pki"
    hubs = {}
    for plan in plans:
        # HubProcess writes [hub] listen/data_dir and [log] itself.
        hubs[plan.name] = HubProcess(
            plan.data_dir,
            extra_config=network.toml_sections(plan.config) + extra,
            # each demo system is a busy integrator here (1,000 sends in a few seconds)
            hub_settings=f'key_dir = "{pki_dir / "hub"}"\nrequests_per_s_per_system = 10000.0'
            "\nsystem_burst = 10000",
            port=plan.port,
            demo=False,
        )
    return hubs


@pytest.fixture
def network_dir(tmp_path: Path) -> Iterator[tuple[Path, list[network.HubPlan]]]:
    ports = {name: free_port() for name in ("national", "h47", "h41")}
    plans = asyncio.run(network.seed(tmp_path, ports, poll_s=0.2))
    yield tmp_path, plans


@pytest.fixture
async def net(network_dir: tuple[Path, list[network.HubPlan]]) -> AsyncIterator[Network]:
    base, plans = network_dir
    hubs = hub_processes(base, plans)
    try:
        for hub in hubs.values():
            hub.start()
        systems = {
            e["system_id"]: e
            for e in json.loads((base / "demo" / "systems.json").read_text("utf-8"))
        }
        async with aiohttp.ClientSession() as session:
            yield Network(base, hubs, systems, devpki.DevPki(base / "demo" / "pki"), session)
    finally:
        for hub in hubs.values():
            hub.stop()


async def eventually(probe: Callable[[], Awaitable[T | None]], timeout_s: float = 30) -> T:
    """``probe()``'s first truthy answer within timeout_s."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        result = await probe()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not within {timeout_s}s; last {result!r}")
        await asyncio.sleep(0.2)
