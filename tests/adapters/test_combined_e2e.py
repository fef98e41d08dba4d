"""Issue 12's end-to-end scenario in one run, all real processes on loopback, on both store
backends (adapters/README.md, docs/gateway.md, docs/delivery.md).

A commune's Q-Office-style endpoint sends through the gateway door (the provincial REST dialect)
a document with a PDF to two departments: department 08 pulls over the SDK door, department 12 is
pushed to by the hub's queue manager. Both auto-clerks answer 01, 03, 05, 06 over the SDK door,
and the sender's outgoing register shows both timelines.

Every request the endpoints make goes through a recording proxy in front of the hub, which
checks the wire as the Java SDK writes it (docs/domain.md §6): SDK operations are POSTs with the
signed ``XroadVnpt-*`` headers, sendEdoc bodies end in CRLF and ``hash-file`` covers the file
alone in the SDK's unpadded hex; the gateway's requests carry a bearer token.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from adapters.vxp import java_hex_sha256
from axis.config import Config
from axis.pki import devpki
from tests.adapters.conftest import (
    DEPT_08,
    DEPT_12,
    Endpoint,
    backend_hub_cfg,
    endpoint_config,
    eventually,
    seed_endpoints,
)
from tests.adapters.test_qoffice_e2e import CLERK, PDF, draft, issue, timelines
from tests.support.hubproc import HubProcess, free_port
from tests.support.loopback import serve_on_loopback

SENDER, PULLS, PUSHED = "00.47.Q31", "00.47.Q08", "00.47.Q12"
GATEWAY_PATHS = ("/token", "/truclienthong/")
HOP_BY_HOP = {"host", "content-length", "transfer-encoding", "connection"}


@dataclass(frozen=True)
class Seen:
    """One request as it crossed the wire to the hub."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def system(self) -> str:
        return self.headers.get("XroadVnpt-systemid", "")


@dataclass
class RecordingProxy:
    """Forwards every request to the hub unchanged and keeps a copy of it."""

    target: str
    seen: list[Seen] = field(default_factory=list)
    url: str = ""
    runner: web.AppRunner | None = None
    session: aiohttp.ClientSession | None = None

    async def start(self) -> RecordingProxy:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self.forward)
        self.runner, port = await serve_on_loopback(app)
        self.url = f"http://127.0.0.1:{port}"
        self.session = aiohttp.ClientSession(auto_decompress=False)
        return self

    async def forward(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        self.seen.append(Seen(request.method, request.path_qs, headers, body))
        assert self.session is not None
        try:
            async with self.session.request(
                request.method, self.target + request.path_qs, data=body, headers=headers
            ) as reply:
                payload = await reply.read()
                content_type = reply.headers.get("Content-Type", "application/json")
                status = reply.status
        except aiohttp.ClientError:
            return web.Response(status=502, text="hub unreachable")
        return web.Response(status=status, body=payload, headers={"Content-Type": content_type})

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()
        if self.runner is not None:
            await self.runner.cleanup()


@dataclass
class Network:
    tmp_path: Path
    pki: devpki.DevPki
    hub: HubProcess
    proxy: RecordingProxy
    store_lines: str
    started: list[Endpoint] = field(default_factory=list)

    def endpoint(self, system_id: str, clerk: str = "", dialect: str = "sdk") -> Endpoint:
        """A Q-Office-style endpoint whose every request to the hub crosses the proxy."""
        folder = self.tmp_path / system_id
        folder.mkdir(exist_ok=True)
        config = endpoint_config(folder, self.hub, self.pki, system_id, clerk)
        text = config.read_text(encoding="utf-8").replace(self.hub.endpoint, self.proxy.url)
        config.write_text(text.replace("[hub]\n", f'[hub]\ndialect = "{dialect}"\n', 1))
        command = [sys.executable, "-m", "adapters.qoffice.cli", "serve", "--config", str(config)]
        endpoint = Endpoint(command, folder)
        endpoint.start()
        self.started.append(endpoint)
        return endpoint

    def start_hub(self, push_url: str = "", delivery: str = "") -> None:
        """The hub, pushing to ``push_url`` for PUSHED (else every system pulls);
        ``delivery``: more [delivery] keys."""
        push = (
            f'[delivery.systems."{PUSHED}"]\nmode = "push"\nadapter = "http-push"\n'
            f'url = "{push_url}"\ntimeout_s = 20.0\n'
            if push_url
            else ""
        )
        self.hub.extra_config = (
            f'[signature]\ntrust_dir = "{self.pki.trust_dir}"\n{self.store_lines}'
            f"[delivery]\npoll_interval_s = 0.1\nbackoff_s = [0.5]\n{delivery}{push}"
        )
        self.hub.start()

    def axis(self, *args: str) -> str:
        """An ``axis`` command on the running hub's config and store."""
        config = self.hub.data_dir / "bench.toml"  # written by HubProcess.start
        done = subprocess.run(
            [sys.executable, "-m", "axis", *args[:1], "--config", str(config), *args[1:]],
            capture_output=True, text=True, check=True, cwd=self.hub.data_dir,
        )  # fmt: skip
        return done.stdout


@pytest.fixture
def hub_cfg(tmp_path: Path, store_backend: str, request: pytest.FixtureRequest) -> Config:
    """The hub's store on this run's backend (a sync fixture: pg_dsn runs its own loop)."""
    return backend_hub_cfg(tmp_path, store_backend, request)


@pytest.fixture
async def network(tmp_path: Path, pki: devpki.DevPki, hub_cfg: Config) -> AsyncIterator[Network]:
    cfg, data_dir = hub_cfg, Path(hub_cfg.hub.data_dir)
    await seed_endpoints(cfg)
    store_lines = (
        f'[store]\nbackend = "postgres"\ndsn = "{cfg.store.dsn}"\npool_size = 4\n'
        if cfg.store.backend == "postgres"
        else ""
    )
    hub = HubProcess(data_dir, hub_settings=f'key_dir = "{pki.directory / "hub"}"', demo=False)
    proxy = await RecordingProxy(hub.endpoint).start()
    running = Network(tmp_path, pki, hub, proxy, store_lines)
    try:
        yield running
    finally:
        for endpoint in running.started:
            endpoint.stop()
        hub.stop()
        await proxy.close()


def check_sdk_wire(seen: Seen) -> None:
    """One SDK request as the Java SDK writes it (docs/domain.md §6)."""
    assert seen.method == "POST", seen
    for name in ("systemid", "timestamp", "sign-header", "hash-header", "sign-header-key"):
        assert f"XroadVnpt-{name}" in seen.headers, (name, seen.path)
    if seen.path == "/sendEdoc":
        assert seen.body.endswith(b"\r\n"), seen.body[-20:]
        file = seen.body[:-2]
        assert seen.headers["XroadVnpt-hash-file"] == java_hex_sha256(file)
        assert file.lstrip().startswith(b"<"), file[:40]  # the package, nothing else


async def test_gateway_sender_pull_and_push_departments_all_timelines_come_back(
    network: Network,
) -> None:
    pushed = network.endpoint(PUSHED, CLERK)
    network.start_hub(f"{pushed.url}/vxp/push")  # the hub pushes to it directly
    sender = network.endpoint(SENDER, dialect="gateway")
    pulls = network.endpoint(PULLS, CLERK)

    doc = await issue(sender, draft(DEPT_08, DEPT_12))

    async def finished() -> Any:
        current = await sender.api("GET", f"/api/van-ban-di/{doc['id']}")
        done = all(t[-1:] == ["06"] for t in timelines(current).values())
        return current if done and current["hub_doc_id"] else None

    final = await eventually(finished, timeout_s=90)
    assert timelines(final) == {
        DEPT_08: ["01", "03", "05", "06"],
        DEPT_12: ["01", "03", "05", "06"],
    }
    for dept in (pulls, pushed):  # each stored it once, with its PDF
        (row,) = await dept.api("GET", "/api/van-ban-den")
        assert row["document_id"] == final["document_id"]
        assert row["ds_file_dinh_kem"][0]["kich_thuoc"] == len(PDF)

    # The wire: each endpoint used its door, and every SDK request is framed as the SDK frames it.
    seen = network.proxy.seen
    sdk = [s for s in seen if not s.path.startswith(GATEWAY_PATHS)]
    gateway = [s for s in seen if s.path.startswith(GATEWAY_PATHS)]
    for request in sdk:
        check_sdk_wire(request)
    assert {s.system for s in sdk} == {PULLS, PUSHED}  # the sender never spoke SDK
    assert gateway and all(
        s.headers.get("Authorization", "").startswith(("Bearer ", "Basic ")) for s in gateway
    )
    assert any(s.method == "POST" and s.path.endswith("/vanbans") for s in gateway)
    # four statuses each (01, 03, 05, 06); a resend after a lost answer is byte-identical
    sends = {system: {s.body for s in sdk if s.system == system and s.path == "/sendEdoc"}
             for system in (PULLS, PUSHED)}  # fmt: skip
    assert {system: len(bodies) for system, bodies in sends.items()} == {PULLS: 4, PUSHED: 4}
    fetched = {s.system for s in sdk if s.path == "/getEdoc"}
    assert fetched == {PULLS}  # the pushed department never fetched: the hub pushed to it


@pytest.mark.parametrize("dialect", ["sdk", "gateway"])
async def test_a_sender_sees_in_its_register_that_a_push_delivery_expired(
    network: Network, dialect: str
) -> None:
    """The pushed department never answers (nothing listens at its URL): after the lifetime the
    hub gives up (docs/delivery.md "Lifetime") and the sender's outgoing register shows that
    recipient ``expired`` with the hub's 5.9.1 reason, beside the other's full timeline. On the
    SDK door the sent list says so; on the gateway door (no sent list) the hub's failure status
    does (docs/delivery.md "What the sender sees"), and it is no business status of the
    recipient's."""
    nowhere = f"http://127.0.0.1:{free_port()}/vxp/push"
    network.start_hub(nowhere, "lifetime_s = 3.0\ncircuit_failures = 1000\n")
    sender = network.endpoint(SENDER, dialect=dialect)
    network.endpoint(PULLS, CLERK)

    doc = await issue(sender, draft(DEPT_08, DEPT_12))
    delivered = "done" if dialect == "sdk" else ""  # only the SDK door has a sent list

    async def settled() -> Any:
        current = await sender.api("GET", f"/api/van-ban-di/{doc['id']}")
        state = {r["don_vi_nhan"]["id"]: r["trang_thai_gui"]["ma"]
                 for r in current["ds_co_quan_trong_tinh"]}  # fmt: skip
        done = timelines(current)[DEPT_08][-1:] == ["06"]
        return current if done and state == {DEPT_08: delivered, DEPT_12: "expired"} else None

    final = await eventually(settled, timeout_s=90)
    pushed = {r["don_vi_nhan"]["id"]: r for r in final["ds_co_quan_trong_tinh"]}[DEPT_12]
    assert pushed["trang_thai_gui"]["mo_ta"].startswith("5.9.1 delivery.expired"), pushed
    assert pushed["dong_thoi_gian"] == []  # no business status ever came from it
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{sender.url}/?token=token") as page,
    ):
        assert "expired: 5.9.1" in await page.text()


async def test_statuses_from_a_successor_after_a_reorganisation_reach_the_senders_register(
    network: Network,
) -> None:
    """Department 08 is retired while the document waits for it, department 12 succeeding it
    (docs/tiers.md "Reorganisation"): the successor's statuses come back, and the sender's
    outgoing register lists it as the one that received the document in 08's place."""
    network.start_hub()  # every system pulls
    sender = network.endpoint(SENDER)
    doc = await issue(sender, draft(DEPT_08))

    async def accepted() -> Any:
        return (await sender.api("GET", f"/api/van-ban-di/{doc['id']}"))["hub_doc_id"]

    await eventually(accepted)
    assert "1 waiting deliveries" in network.axis(
        "agencies", "retire", DEPT_08, "--successor", DEPT_12
    )
    network.endpoint(PUSHED, CLERK)  # department 12's endpoint, pulling

    async def answered() -> Any:
        current = await sender.api("GET", f"/api/van-ban-di/{doc['id']}")
        successors = current["ds_don_vi_ke_thua"]
        done = successors and [t["ma"] for t in successors[0]["dong_thoi_gian"]][-1:] == ["06"]
        return current if done else None

    final = await eventually(answered, timeout_s=90)
    [successor] = final["ds_don_vi_ke_thua"]
    assert successor["don_vi_nhan"]["id"] == DEPT_12
    assert [t["ma"] for t in successor["dong_thoi_gian"]] == ["01", "03", "05", "06"]
    [retired] = final["ds_co_quan_trong_tinh"]
    assert retired["dong_thoi_gian"] == []
    assert retired["trang_thai_gui"] == {
        "ma": "done", "mo_ta": f"{DEPT_08} retired; delivered to {DEPT_12}"}  # fmt: skip
