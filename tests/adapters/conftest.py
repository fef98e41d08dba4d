"""Real processes on loopback: a child hub (tests.support.hubproc) seeded with the demo directory plus
one connected system per agency-side endpoint, and the adapters as child processes.

The dev PKI (EC keys, fast) is generated once per session; the adapters sign with it and the
hub trusts it. Nothing here is mocked: tests talk to the endpoints over their own HTTP API and to
the hub through the SDK wire protocol.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from axis import config as config_mod
from axis.config import Config
from axis.directory import demo
from axis.pki import devpki
from axis.store import open_store
from tests.conftest import on_backend
from tests.support.hubproc import HubProcess

ROOT = Path(__file__).resolve().parents[2]
# Endpoint systems beside the demo ones: a commune endpoint serving two communes of district 31
# of Quảng Nam, and one endpoint per department (docs/domain.md §2 tiers).
COMMUNE, COMMUNE_2 = "000.24.31.H47", "000.25.31.H47"
DEPT_08, DEPT_12 = "000.00.08.H47", "000.00.12.H47"
ENDPOINT_SYSTEMS = {
    "00.47.Q31": (COMMUNE, COMMUNE_2),
    "00.47.Q08": (DEPT_08,),
    "00.47.Q12": (DEPT_12,),
}
# sendEdoc bodies framed exactly as the SDK frames them (file + CRLF, docs/domain.md §6).
SDK_CRLF = "true"
SECRETS = {
    system_id: f"test-secret-{system_id}" for system_id in (*demo.SYSTEMS, *ENDPOINT_SYSTEMS)
}


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> devpki.DevPki:
    agencies = [(row.id, row.name) for row in demo.agencies()]
    return devpki.init(tmp_path_factory.mktemp("pki"), agencies, key_type="ec")


async def seed(data_dir: Path, pki: devpki.DevPki) -> None:
    cfg = config_mod.replace(config_mod.Config(), "hub", data_dir=str(data_dir))
    await seed_endpoints(cfg, demo_systems=True)


async def seed_endpoints(cfg: config_mod.Config, demo_systems: bool = False) -> None:
    """The demo directory and the endpoints' systems (and, if asked, the demo systems) in the
    store ``cfg`` names, whichever backend."""
    store = await open_store(cfg)
    try:
        await store.import_agencies(demo.agencies())
        for system_id, (name, _) in demo.SYSTEMS.items() if demo_systems else ():
            await store.add_system(system_id, SECRETS[system_id], name)
        for system_id, agencies in ENDPOINT_SYSTEMS.items():
            await store.add_system(system_id, SECRETS[system_id], f"endpoint {system_id}")
            await store.assign_agencies(system_id, list(agencies))
    finally:
        await store.close()


def backend_hub_cfg(tmp_path: Path, store_backend: str, request: pytest.FixtureRequest) -> Config:
    """A hub's config with its data dir under tmp_path, its store on this run's backend."""
    data_dir = tmp_path / "hub"
    data_dir.mkdir()
    cfg = config_mod.replace(config_mod.Config(), "hub", data_dir=str(data_dir))
    return on_backend(cfg, store_backend, request)


@pytest.fixture
async def hub(tmp_path: Path, pki: devpki.DevPki) -> Any:
    data_dir = tmp_path / "hub"
    data_dir.mkdir()
    await seed(data_dir, pki)
    running = HubProcess(
        data_dir,
        hub_settings=f'key_dir = "{pki.directory / "hub"}"',
        extra_config=f'[signature]\ntrust_dir = "{pki.trust_dir}"\n',
        demo=False,
    )
    running.start()
    try:
        yield running
    finally:
        running.stop()


@dataclass
class Child:
    """One adapter process; its output goes to <folder>/child.log."""

    command: list[str]
    folder: Path
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    cwd: Path = ROOT  # relative paths in its config are relative to this

    def start(self) -> None:
        with (self.folder / "child.log").open("ab") as log:
            self.process = subprocess.Popen(
                self.command, stdout=log, stderr=log, cwd=self.cwd, env={**os.environ, **self.env}
            )

    def log(self) -> str:
        return (self.folder / "child.log").read_text(encoding="utf-8", errors="replace")

    def wait_exit(self, timeout_s: float = 60) -> int:
        assert self.process is not None
        try:
            return self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"still running after {timeout_s}s:\n{self.log()}") from None

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class Endpoint(Child):
    token: str = "token"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{(self.folder / 'port').read_text().strip()}"

    def start(self) -> None:
        (self.folder / "port").unlink(missing_ok=True)
        super().start()
        deadline = time.monotonic() + 30
        while not (self.folder / "port").exists():
            assert self.process is not None
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"endpoint did not start:\n{self.log()}")
            time.sleep(0.05)

    async def api(self, method: str, path: str, body: Any = None) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"}
        async with (
            aiohttp.ClientSession() as session,
            session.request(method, self.url + path, json=body, headers=headers) as reply,
        ):
            payload = await reply.json()
            assert reply.status < 300, (reply.status, payload)
            return payload["data"]


def endpoint_config(
    folder: Path, hub: HubProcess, pki: devpki.DevPki, system_id: str, clerk: str = ""
) -> Path:
    agencies = "".join(
        f'[[agencies]]\nid = "{a}"\nname = "Đơn vị {a}"\n\n' for a in ENDPOINT_SYSTEMS[system_id]
    )
    path = folder / "qoffice.toml"
    path.write_text(
        f'pki_dir = "{pki.directory}"\n\n'
        f'[endpoint]\nlisten = "127.0.0.1:0"\ndata_dir = "{folder}"\ntoken = "token"\n\n'
        f'[hub]\nendpoint = "{hub.endpoint}"\nsystem_id = "{system_id}"\n'
        f'secret = "{SECRETS[system_id]}"\npoll_interval_s = 0.3\nsdk_crlf = {SDK_CRLF}\n\n'
        f"{agencies}{clerk}",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def endpoints(
    tmp_path: Path, hub: HubProcess, pki: devpki.DevPki
) -> Iterator[Callable[..., Endpoint]]:
    started: list[Endpoint] = []

    def make(system_id: str, clerk: str = "", env: dict[str, str] | None = None) -> Endpoint:
        folder = tmp_path / system_id
        folder.mkdir(exist_ok=True)
        config = endpoint_config(folder, hub, pki, system_id, clerk)
        command = [sys.executable, "-m", "adapters.qoffice.cli", "serve", "--config", str(config)]
        endpoint = Endpoint(command, folder, env=env or {})
        endpoint.start()
        started.append(endpoint)
        return endpoint

    yield make
    for endpoint in started:
        endpoint.stop()


async def eventually(check: Callable[[], Awaitable[Any]], timeout_s: float = 60) -> Any:
    """Poll ``check`` until it returns something truthy; its last value in the failure."""
    deadline = time.monotonic() + timeout_s
    last: Any = None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(0.2)
    raise AssertionError(
        f"not reached within {timeout_s}s; last: {json.dumps(last, ensure_ascii=False, default=str)[:3000]}"
    )
