"""Push delivery end to end, all real processes on loopback, on both store backends: a child
hub (``axis serve``) pushes to a Q-Office-style endpoint (``axis-qoffice serve``), which
verifies the hub's signature and stores the package idempotently before answering 200.

SIGKILL mid-delivery: a recording proxy between hub and endpoint lets the endpoint store and
answer, holds that answer back, and the hub is killed before it hears it; the restarted hub
pushes again once the lease runs out, and the endpoint stores the document once.
"""

from __future__ import annotations

import asyncio
import hashlib
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from axis.config import Config
from axis.delivery.signing import sign_push
from axis.directory import demo
from axis.pki import devpki
from tests.adapters.conftest import (
    COMMUNE,
    DEPT_08,
    SECRETS,
    Endpoint,
    backend_hub_cfg,
    endpoint_config,
    eventually,
    seed_endpoints,
)
from tests.hub.conftest import document, package_bytes
from tests.support.hubproc import HubProcess
from tests.support.loopback import serve_on_loopback
from tests.support.vxp_client import VxpClient

SENDER_SYSTEM, PUSHED = "00.47.Q31", "00.47.Q08"  # the commune sends; department 08 is pushed to


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> devpki.DevPki:
    agencies = [(row.id, row.name) for row in demo.agencies()]
    return devpki.init(tmp_path_factory.mktemp("pki"), agencies, key_type="ec")


@dataclass
class Proxy:
    """Forwards the hub's pushes to the endpoint unchanged; with ``hold`` set, the first push's
    answer (after the endpoint committed) is kept from the hub until the test lets it go."""

    target: str
    hold: bool = False
    seen: list[str] = field(default_factory=list)  # delivery ids, in order
    answered: asyncio.Event = field(default_factory=asyncio.Event)
    let_go: asyncio.Event = field(default_factory=asyncio.Event)
    url: str = ""
    runner: Any = None

    async def start(self) -> Proxy:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/vxp/push", self.forward)
        self.runner, port = await serve_on_loopback(app)
        self.url = f"http://127.0.0.1:{port}/vxp/push"
        return self

    async def forward(self, request: web.Request) -> web.Response:
        headers = {k: v for k, v in request.headers.items() if k.lower().startswith("xroadvnpt-")}
        body = await request.read()
        self.seen.append(request.headers.get("XroadVnpt-docid", ""))
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.target + "/vxp/push", data=body, headers=headers) as reply,
        ):
            status, text = reply.status, await reply.text()
        if self.hold:
            self.hold = False
            self.answered.set()
            await self.let_go.wait()  # the hub dies waiting for this answer
        return web.Response(status=status, text=text, content_type="application/json")


@dataclass
class Scene:
    tmp_path: Path
    pki: devpki.DevPki
    cfg: Config
    hub: HubProcess
    endpoint: Endpoint | None = None

    def start_endpoint(self) -> Endpoint:
        folder = self.tmp_path / PUSHED
        folder.mkdir(exist_ok=True)
        config = endpoint_config(folder, self.hub, self.pki, PUSHED)
        command = [sys.executable, "-m", "adapters.qoffice.cli", "serve", "--config", str(config)]
        self.endpoint = Endpoint(command, folder)
        self.endpoint.start()
        # Keep this port across restarts: the hub's push URL names it.
        port = self.endpoint.url.rsplit(":", 1)[1]
        config.write_text(
            config.read_text(encoding="utf-8").replace("127.0.0.1:0", f"127.0.0.1:{port}"),
            encoding="utf-8",
        )
        return self.endpoint

    def start_hub(self, push_url: str, lease_s: float = 2.0) -> None:
        store = self.cfg.store
        store_lines = (
            f'[store]\nbackend = "postgres"\ndsn = "{store.dsn}"\npool_size = 4\n'
            if store.backend == "postgres"
            else ""
        )
        self.hub.extra_config = (
            f'[signature]\ntrust_dir = "{self.pki.trust_dir}"\n{store_lines}'
            f"[delivery]\npoll_interval_s = 0.1\nlease_s = {lease_s}\nbackoff_s = [0.5]\ncircuit_open_s = 1.0\n"
            f'[delivery.systems."{PUSHED}"]\nmode = "push"\nadapter = "http-push"\n'
            f'url = "{push_url}"\ntimeout_s = 20.0\n'
        )
        self.hub.start()

    async def send(self) -> str:
        pkg = document(COMMUNE, (DEPT_08,))
        async with aiohttp.ClientSession() as session:
            client = VxpClient(
                self.hub.endpoint, SENDER_SYSTEM, SECRETS[SENDER_SYSTEM], session=session
            )
            answer = await client.send_edoc(package_bytes(self.pki, pkg), COMMUNE)
        assert answer["status"] == "OK", answer
        return pkg.document_id

    async def hub_call(self, system_id: str, operation: str) -> Any:
        async with aiohttp.ClientSession() as session:
            client = VxpClient(self.hub.endpoint, system_id, SECRETS[system_id], session=session)
            _, payload = await client.call(
                operation, {"servicetype": "eDoc", "messagetype": "edoc"}
            )
        return payload


@pytest.fixture
def scene_cfg(tmp_path: Path, store_backend: str, request: pytest.FixtureRequest) -> Config:
    return backend_hub_cfg(tmp_path, store_backend, request)


@pytest.fixture
async def scene(tmp_path: Path, pki: devpki.DevPki, scene_cfg: Config) -> AsyncIterator[Scene]:
    cfg, data_dir = scene_cfg, Path(scene_cfg.hub.data_dir)
    await seed_endpoints(cfg)
    hub = HubProcess(data_dir, hub_settings=f'key_dir = "{pki.directory / "hub"}"', demo=False)
    running = Scene(tmp_path, pki, cfg, hub)
    try:
        yield running
    finally:
        hub.stop()
        if running.endpoint is not None:
            running.endpoint.stop()


async def test_the_hub_pushes_to_the_endpoint_and_the_pull_inbox_stays_empty(scene: Scene) -> None:
    endpoint = scene.start_endpoint()
    endpoint.stop()  # down: it knows its port, the hub cannot reach it yet
    scene.start_hub(f"{endpoint.url}/vxp/push")
    document_id = await scene.send()

    async def retried() -> Any:
        rows = (await scene.hub_call(SENDER_SYSTEM, "getSentEdocList"))["data"]
        return rows if rows and rows[0]["sendStatusDesc"].startswith("4.9.3") else None

    [row] = await eventually(retried, timeout_s=30)
    assert row["sendStatus"] == "queued"
    # Push-routed: never in the pull inbox, not even while it waits.
    assert (await scene.hub_call(PUSHED, "getReceivedEdocList"))["data"] == []
    assert (await scene.hub_call(PUSHED, "countReceiveEdoc"))["count"] == 0

    endpoint.start()  # back, same port and database

    async def delivered() -> Any:
        rows = (await scene.hub_call(SENDER_SYSTEM, "getSentEdocList"))["data"]
        return rows if rows and rows[0]["sendStatus"] == "done" else None

    await eventually(delivered, timeout_s=30)
    stored = await endpoint.api("GET", "/api/van-ban-den")
    assert [r["document_id"] for r in stored] == [document_id]
    assert "push-refused" not in endpoint.log()

    # The endpoint takes pushes only signed with its secret: a forged one is refused, unstored.
    forged = sign_push(
        "not-the-secret",
        {"systemid": PUSHED, "docid": "forged", "to": DEPT_08, "messagetype": "edoc",
         "attempt": "1", "hash-file": hashlib.sha256(b"x").hexdigest()},
        datetime.now(UTC),
    )  # fmt: skip
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{endpoint.url}/vxp/push", data=b"x", headers=forged) as reply,
    ):
        assert reply.status == 401
    assert len(await endpoint.api("GET", "/api/van-ban-den")) == 1


async def test_sigkill_of_the_hub_mid_delivery_redelivers_and_the_endpoint_stores_once(
    scene: Scene,
) -> None:
    endpoint = scene.start_endpoint()
    proxy = await Proxy(endpoint.url, hold=True).start()
    try:
        scene.start_hub(proxy.url)
        document_id = await scene.send()
        await asyncio.wait_for(proxy.answered.wait(), 30)  # the endpoint committed and answered
        scene.hub.kill()  # ... and the hub never hears it
        assert len(await endpoint.api("GET", "/api/van-ban-den")) == 1
        scene.hub.start()

        async def delivered() -> Any:
            rows = (await scene.hub_call(SENDER_SYSTEM, "getSentEdocList"))["data"]
            return rows if rows and rows[0]["sendStatus"] == "done" else None

        await eventually(delivered, timeout_s=30)
        assert len(proxy.seen) == 2 and proxy.seen[0] == proxy.seen[1]  # pushed twice...
        stored = await endpoint.api("GET", "/api/van-ban-den")
        assert [r["document_id"] for r in stored] == [document_id]  # ... stored once
        assert "already-stored" in endpoint.log()
    finally:
        proxy.let_go.set()
        await proxy.runner.cleanup()


async def test_a_hub_stopped_mid_push_hands_the_delivery_back_at_once(scene: Scene) -> None:
    """SIGTERM (a restart): the push in flight is due again at once, not after its lease."""
    endpoint = scene.start_endpoint()
    proxy = await Proxy(endpoint.url, hold=True).start()
    try:
        scene.start_hub(proxy.url, lease_s=600.0)
        document_id = await scene.send()
        await asyncio.wait_for(proxy.answered.wait(), 30)
        scene.hub.stop()
        scene.hub.start()

        async def delivered() -> Any:
            rows = (await scene.hub_call(SENDER_SYSTEM, "getSentEdocList"))["data"]
            return rows if rows and rows[0]["sendStatus"] == "done" else None

        await eventually(delivered, timeout_s=30)  # well before the 600 s lease
        stored = await endpoint.api("GET", "/api/van-ban-den")
        assert [r["document_id"] for r in stored] == [document_id]
    finally:
        proxy.let_go.set()
        await proxy.runner.cleanup()
