"""`axis serve --demo --network` (what `make run` runs): the three demo hubs start as children,
every /healthz answers, one package crosses provinces through them, and a signal to the command
stops all three together."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from adapters.vxp.client import VxpClient
from axis.pki import devpki
from tests.hub.conftest import document, package_bytes
from tests.support.hubproc import healthy, interrupt
from tests.tiers.conftest import eventually

SENDER = "000.24.31.H47"  # a commune of Quảng Nam
RECIPIENT = "000.24.31.H41"  # a commune of Nghệ An


def _wait_for_systems(path: Path, command: subprocess.Popen[bytes]) -> list[dict[str, object]]:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert command.poll() is None, "the network command exited"
        if path.is_file():
            systems = json.loads(path.read_text("utf-8"))
            endpoints = {str(s["endpoint"]) for s in systems}
            if len(endpoints) == 3 and all(healthy(e) for e in endpoints):
                return list(systems)
        time.sleep(0.2)
    raise AssertionError("the three hubs did not answer /healthz")


@pytest.fixture
def running_network(tmp_path: Path):  # type: ignore[no-untyped-def]
    config = tmp_path / "axis.toml"
    config.write_text(
        f'[hub]\nlisten = "127.0.0.1:0"\ndata_dir = "{tmp_path}"\n[log]\nlevel = "warning"\n',
        "utf-8",
    )
    # Started as a non-interactive shell's `&` starts it: SIGINT ignored, inherited across exec.
    # Ctrl-C / kill -INT must stop it all the same (Python raises no KeyboardInterrupt then).
    unignored = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with (tmp_path / "network.log").open("wb") as log:  # the child keeps its own descriptor
            command = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "axis",
                    "serve",
                    "--config",
                    str(config),
                    "--demo",
                    "--network",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
    finally:
        signal.signal(signal.SIGINT, unignored)
    try:
        systems = _wait_for_systems(tmp_path / "demo" / "systems.json", command)
        yield tmp_path, systems, command
    finally:
        interrupt(command)


async def test_the_network_command_runs_three_hubs_and_stops_them_together(
    running_network: tuple[Path, list[dict[str, object]], subprocess.Popen[bytes]],
) -> None:
    base, systems, command = running_network
    assert {s["hub"] for s in systems} == {"national", "h47", "h41"}
    by_agency = {a: s for s in systems for a in s["agencies"]}  # type: ignore[attr-defined]
    pki = devpki.DevPki(base / "demo" / "pki")
    sent_by, received_by = by_agency[SENDER], by_agency[RECIPIENT]
    assert (sent_by["hub"], received_by["hub"]) == ("h47", "h41")

    async with aiohttp.ClientSession() as session:

        def client(entry: dict[str, object]) -> VxpClient:
            return VxpClient(
                str(entry["endpoint"]), str(entry["system_id"]), str(entry["secret"]),
                session=session,
            )  # fmt: skip

        data = package_bytes(pki, document(SENDER, (RECIPIENT,)))
        await client(sent_by).send_edoc(data, SENDER)

        async def arrived() -> list[dict[str, str]]:
            rows = await client(received_by).received_list("edoc")
            return [r for r in rows if r["to"] == RECIPIENT]

        rows = await eventually(arrived, timeout_s=45)
        assert len(rows) == 1

    endpoints = {str(s["endpoint"]) for s in systems}
    command.send_signal(signal.SIGINT)  # what Ctrl-C delivers
    assert await asyncio.to_thread(command.wait, 60) == 0
    assert not any(healthy(e) for e in endpoints)
    assert "axis demo network" in (base / "network.log").read_text("utf-8")


def test_systems_json_keeps_each_hubs_own_secrets_after_the_single_demo_rewrote_it(
    tmp_path: Path,
) -> None:
    """`make run SINGLE=1` and `make run` share var/demo/systems.json: the network's entries
    always carry the secrets its hubs hold, whatever the file said before."""
    from axis.directory import network

    names = ("national", "h47", "h41")
    ports = dict(zip(names, (18080, 18081, 18082), strict=True))
    path = tmp_path / "demo" / "systems.json"
    asyncio.run(network.seed(tmp_path, ports))
    first = {e["system_id"]: e["secret"] for e in json.loads(path.read_text("utf-8"))}
    stale = [{**e, "secret": "rewritten"} for e in json.loads(path.read_text("utf-8"))]
    path.write_text(json.dumps(stale), "utf-8")
    asyncio.run(network.seed(tmp_path, ports))
    again = {e["system_id"]: e["secret"] for e in json.loads(path.read_text("utf-8"))}
    assert again == first
