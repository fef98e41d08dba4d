"""The example configs adapters/README.md points at work against `make run`'s demo network
(docs/tiers.md "Seeing it"): each names a system of the hub it talks to, takes that hub's URL and
the system's secret from var/demo/systems.json, and signs with keys under var/demo/pki.

The first test seeds the network as `make run` does and loads each example against it; the
second runs `axis serve --demo --network` (what `make run` runs) and the examples themselves as
child processes, unchanged but for their listening port, and exchanges a document through them.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from adapters.folder import config as folder_config
from adapters.qoffice import config as qoffice_config
from axis.directory import network
from axis.store import open_store
from tests.adapters.conftest import Child, Endpoint, eventually
from tests.adapters.test_qoffice_e2e import issue
from tests.support.hubproc import healthy, interrupt

EXAMPLES = Path(__file__).resolve().parents[2] / "adapters" / "examples"
QOFFICE = ("qoffice-h47.toml", "qoffice-h41.toml")
COMMUNE_H47, DEPT_08_H41, G22 = "000.24.31.H47", "000.00.08.H41", "000.00.00.G22"


def _hub_of(plans: list[network.HubPlan], endpoint: str) -> network.HubPlan:
    (plan,) = [p for p in plans if p.endpoint == endpoint]
    return plan


async def test_each_example_names_a_system_of_the_hub_it_talks_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ports = {name: 18000 + i for i, name in enumerate(("national", "h47", "h41"))}
    plans = await network.seed(tmp_path / "var", ports)  # as `make run` seeds it
    monkeypatch.chdir(tmp_path)  # the examples' paths are relative to the checkout
    loaded = [(name, qoffice_config.load(EXAMPLES / name)) for name in QOFFICE]
    folder = folder_config.load(EXAMPLES / "folder-g22.toml")
    for name, hub, agencies in [
        *((name, cfg.hub, [a.id for a in cfg.agencies]) for name, cfg in loaded),
        ("folder-g22.toml", folder.hub, [G22]),
    ]:
        plan = _hub_of(plans, hub.endpoint)
        store = await open_store(network.hub_config(plan, tmp_path / "var" / "demo" / "pki"))
        try:
            assert await store.get_secret(hub.system_id) == hub.secret, name
            for agency in agencies:  # each agency it serves is that system's at that hub
                row = await store.get_agency(agency)
                assert row is not None and row.system_id == hub.system_id, (name, agency)
        finally:
            await store.close()
    assert {name: plan.name for name, plan in
            [(n, _hub_of(plans, c.hub.endpoint)) for n, c in loaded]} == {
        "qoffice-h47.toml": "h47", "qoffice-h41.toml": "h41"}  # fmt: skip
    assert _hub_of(plans, folder.hub.endpoint).name == "national"
    for _, cfg in loaded:  # the keys `make run` generated sign for every agency served
        for agency in cfg.agencies:
            assert all(part for part in cfg.signing_material(agency.id)[:2])


def test_a_config_with_an_unknown_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[folder]\nroot = "x"\nrot = "typo"\n[hub]\nsystem_id = "a"\nsecret = "b"\n')
    with pytest.raises(ValueError, match="rot"):
        folder_config.load(path)


@dataclass
class MakeRun:
    """`axis serve --demo --network` in a checkout-like folder (var/ under ``root``)."""

    root: Path
    command: subprocess.Popen[bytes]

    def wait_ready(self) -> None:
        systems_json = self.root / "var" / "demo" / "systems.json"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.command.poll() is None, (self.root / "network.log").read_text("utf-8")
            if systems_json.is_file():
                endpoints = {str(s["endpoint"]) for s in json.loads(systems_json.read_text())}
                if len(endpoints) == 3 and all(healthy(e) for e in endpoints):
                    return
            time.sleep(0.2)
        raise AssertionError("the demo network did not start")


@pytest.fixture
def make_run(tmp_path: Path) -> Iterator[MakeRun]:
    config = tmp_path / "config.toml"
    config.write_text('[hub]\nlisten = "127.0.0.1:0"\ndata_dir = "var"\n[log]\nlevel = "warning"\n')
    with (tmp_path / "network.log").open("wb") as log:
        command = subprocess.Popen(
            [sys.executable, "-m", "axis", "serve", "--config", str(config), "--demo", "--network"],
            stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path,
        )  # fmt: skip
    running = MakeRun(tmp_path, command)
    try:
        running.wait_ready()
        yield running
    finally:
        interrupt(command)


def _example(root: Path, name: str) -> Path:
    """The example, copied unchanged but for its listening port (port 0: a free one)."""
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    for port in ("8147", "8141"):
        text = text.replace(f'listen = "127.0.0.1:{port}"', 'listen = "127.0.0.1:0"')
    (root / "examples").mkdir(exist_ok=True)
    path = root / "examples" / name
    path.write_text(text, encoding="utf-8")
    return path


async def test_the_examples_exchange_a_document_across_make_runs_demo_network(
    make_run: MakeRun,
) -> None:
    root, started = make_run.root, []
    try:
        for name, token in (("qoffice-h47.toml", "demo-token-h47"), ("qoffice-h41.toml", "demo-token-h41")):  # fmt: skip
            data_dir = root / "var" / name.removesuffix(".toml")
            data_dir.mkdir(parents=True, exist_ok=True)
            command = [_bin("axis-qoffice"), "serve", "--config", str(_example(root, name))]
            endpoint = Endpoint(command, data_dir, token=token, cwd=root)
            endpoint.start()
            started.append(endpoint)
        folder = Child([_bin("axis-folder"), "run", "--config", str(_example(root, "folder-g22.toml"))],
                       root, cwd=root)  # fmt: skip
        folder.start()
        started.append(folder)
        commune = started[0]
        assert isinstance(commune, Endpoint)

        doc = await issue(commune, _draft(DEPT_08_H41, G22))

        async def arrived() -> Any:
            current = await commune.api("GET", f"/api/van-ban-di/{doc['id']}")
            (dept,) = [r for r in current["ds_co_quan_ngoai_tinh"]
                       if r["don_vi_nhan"]["id"] == DEPT_08_H41]  # fmt: skip
            in_folder = list((root / "var" / "folder-g22" / "inbox").glob("*.edxml"))
            clerk_acted = len(dept["dong_thoi_gian"]) >= 2  # 01, then the clerk's 03 (or 02)
            return current if clerk_acted and in_folder else None

        final = await eventually(arrived, timeout_s=120)
        assert final["hub_doc_id"]
    finally:
        for child in reversed(started):
            child.stop()


def _bin(name: str) -> str:
    """A console script of this venv (what adapters/README.md runs) or the name as is."""
    script = Path(sys.executable).with_name(name)
    return str(script) if script.exists() else name


def _draft(*recipients: str) -> dict[str, Any]:
    return {
        "don_vi_gui": COMMUNE_H47,
        "ky_hieu_van_ban": "UBND",
        "trich_yeu": "Thử nghiệm qua mạng demo",
        "ds_co_quan_ngoai_tinh": [
            {"don_vi_nhan": {"id": r, "ten": f"Đơn vị {r}"}, "la_lien_thong": True}
            for r in recipients
        ],
    }
