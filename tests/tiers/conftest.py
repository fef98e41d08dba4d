"""Three hubs on loopback as child processes: national, Quảng Nam (H47), Nghệ An (H41)
(axis/directory/network.py seeds them as `make run` does; docs/tiers.md). The down hop is
pulled by the provinces, or pushed by the national hub (``net`` parametrized "push" indirectly:
network_run.push_down, as `make run` does). The bridge's backoff ceiling is 2 s here, so a hub
that comes back is reached within seconds."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import pytest

from adapters.vxp.client import VxpClient
from axis.directory import network, network_run
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
    plans: list[network.HubPlan] = field(default_factory=list)

    def hub_secret(self, hub: str) -> str:
        """A provincial hub's secret at the national hub (its upstream.secret)."""
        plan = next(p for p in self.plans if p.name == hub)
        return str(plan.config["upstream"]["secret"])

    def client(self, system_id: str) -> VxpClient:
        entry = self.systems[system_id]
        return VxpClient(entry["endpoint"], system_id, entry["secret"], session=self.session)

    def system_of(self, agency: str) -> str:
        return next(s for s, e in self.systems.items() if agency in e["agencies"])


RETRY_MAX_S = 2.0


def hub_processes(
    base: Path,
    plans: list[network.HubPlan],
    extra: str = "",
    down: str = "pull",
    push_ports: Mapping[str, int] | None = None,
) -> dict[str, HubProcess]:
    """``push_ports``: a province's port as the national hub pushes to it (a proxy's), when
    not its own."""
    pki_dir = base / "demo" / "pki"
    pushed_to = [replace(p, port=(push_ports or {}).get(p.name, p.port)) for p in plans]
    hubs = {}
    for plan in plans:
        if "upstream" in plan.config:
            plan.config["upstream"]["retry_max_s"] = RETRY_MAX_S
        pushing = down == "push" and plan.name == network.NATIONAL
        more = network_run.push_down(pushed_to, retry_max_s=RETRY_MAX_S) if pushing else ""
        # HubProcess writes [hub] listen/data_dir and [log] itself.
        hubs[plan.name] = HubProcess(
            plan.data_dir,
            extra_config=network.toml_sections(plan.config) + extra + "\n" + more,
            # each demo system is a busy integrator here (1,000 sends in a few seconds)
            hub_settings=f'key_dir = "{pki_dir / "hub"}"\nrequests_per_s_per_system = 10000.0'
            "\nsystem_burst = 10000",
            port=plan.port,
            demo=False,
        )
    return hubs


@pytest.fixture(scope="session")
def network_pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo network's dev PKI, generated once per session (two of the seed's three
    seconds); each network copies it, so a test that changes its PKI changes only its own."""
    base = tmp_path_factory.mktemp("network-pki")
    ports = {name: free_port() for name in ("national", "h47", "h41")}
    asyncio.run(network.seed(base, ports))
    return base / "demo" / "pki"


@pytest.fixture
def network_dir(tmp_path: Path, network_pki: Path) -> Iterator[tuple[Path, list[network.HubPlan]]]:
    shutil.copytree(network_pki, tmp_path / "demo" / "pki")  # seed keeps an existing PKI
    ports = {name: free_port() for name in ("national", "h47", "h41")}
    plans = asyncio.run(network.seed(tmp_path, ports, poll_s=0.2))
    yield tmp_path, plans


@pytest.fixture
async def net(
    network_dir: tuple[Path, list[network.HubPlan]], request: pytest.FixtureRequest
) -> AsyncIterator[Network]:
    """The three hubs; ``request.param`` (indirect) = how the down hop goes: pull | push."""
    base, plans = network_dir
    async with running(base, plans, down=getattr(request, "param", "pull")) as net:
        yield net


@contextlib.asynccontextmanager
async def running(
    base: Path,
    plans: list[network.HubPlan],
    down: str = "pull",
    push_ports: Mapping[str, int] | None = None,
) -> AsyncIterator[Network]:
    """The seeded hubs of ``plans`` started (stopped again on the way out), with a session."""
    hubs = hub_processes(base, plans, down=down, push_ports=push_ports)
    try:
        for hub in hubs.values():
            hub.start()
        systems = {
            e["system_id"]: e
            for e in json.loads((base / "demo" / "systems.json").read_text("utf-8"))
        }
        async with aiohttp.ClientSession() as session:
            pki = devpki.DevPki(base / "demo" / "pki")
            yield Network(base, hubs, systems, pki, session, plans)
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
