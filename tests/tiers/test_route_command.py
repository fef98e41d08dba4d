"""`axis route FROM TO`: how a package would travel, from the directory and config alone
(nothing sent): local, upstream, retired with and without successor, unknown."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from axis.cli import main
from axis.directory import network
from axis.directory.reorganise import retire
from axis.store import open_store
from tests.support.hubproc import free_port

COMMUNE = "000.24.31.H47"  # a commune of Quảng Nam, served on the h47 hub by 00.47.D02


@pytest.fixture
def configs(tmp_path: Path) -> dict[str, Path]:
    ports = {name: free_port() for name in ("national", "h47", "h41")}
    plans = asyncio.run(network.seed(tmp_path, ports))
    files = {}
    for plan in plans:
        path = tmp_path / f"{plan.name}.toml"
        path.write_text(network.config_toml(plan, tmp_path / "demo" / "pki"), "utf-8")
        files[plan.name] = path
    return files


def route(capsys: pytest.CaptureFixture[str], config: Path, *args: str) -> tuple[int, dict]:
    status = main(["route", "--json", "--config", str(config), *args])
    return status, json.loads(capsys.readouterr().out)


def retire_on(config: Path, old: str, successors: list[str]) -> None:
    from axis import config as config_mod

    async def _retire() -> None:
        store = await open_store(config_mod.load(str(config)))
        try:
            await retire(store, old, successors)
        finally:
            await store.close()

    asyncio.run(_retire())


def test_local_and_upstream_recipients(
    configs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    status, result = route(
        capsys, configs["h47"], COMMUNE, "000.00.08.H47", "000.00.00.G22", "000.25.32.H41"
    )
    assert status == 0
    assert (result["role"], result["hub"], result["sender_system"]) == (
        "provincial", "00.47.W00", "00.47.D02",
    )  # fmt: skip
    local, ministry, other_province = result["legs"]
    assert local["code"] == "" and "to system 00.47.D01" in local["steps"][0]
    assert local["chain"] == ["000.00.08.H47", "000.00.00.H47"]
    for leg in (ministry, other_province):
        assert leg["code"] == ""
        assert "forwards up to national" in leg["steps"][0]
        assert "as system 00.47.W00" in leg["steps"][0]
    # On the national hub the other province is a connected hub that delivers on.
    status, result = route(capsys, configs["national"], "000.00.00.G22", "000.25.32.H41")
    assert status == 0 and result["role"] == "national"
    assert "to system 00.41.W00 (a connected hub" in result["legs"][0]["steps"][0]


def test_retired_with_and_without_successor_and_unknown(
    configs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    retire_on(configs["h47"], "000.24.32.H47", ["000.00.32.H47"])
    retire_on(configs["h47"], "000.25.32.H47", [])
    status, result = route(
        capsys, configs["h47"], COMMUNE, "000.24.32.H47", "000.25.32.H47", "000.99.99.H47"
    )
    assert status == 1  # a send would be refused
    heir, orphan, unknown = result["legs"]
    assert (heir["code"], heir["served_as"]) == ("2.5.14", "000.00.32.H47")
    assert "successor 000.00.32.H47" in heir["steps"][0]
    assert (orphan["code"], orphan["served_as"]) == ("5.5.15", "")
    assert (unknown["code"], unknown["served_as"]) == ("5.5.1", "")
    # An unknown sender is named too, and the text form says the same.
    assert main(["route", "--config", str(configs["h47"]), "000.99.98.H47", COMMUNE]) == 1
    text = capsys.readouterr().out
    assert "refused 5.5.3" in text and "to system 00.47.D02" in text
