"""Real processes on loopback as in tests/adapters/ (a child hub, Q-Office-style endpoints),
with a chosen endpoint on the gateway door (``[hub] dialect = "gateway"``)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from axis.pki import devpki
from tests.adapters.conftest import Endpoint, endpoint_config, hub, pki
from tests.support.hubproc import HubProcess

__all__ = ["hub", "pki"]


@pytest.fixture
def endpoints_on(
    tmp_path: Path, hub: HubProcess, pki: devpki.DevPki
) -> Iterator[Callable[..., Endpoint]]:
    """make(system_id, clerk, dialect): an endpoint on the SDK door or the gateway door."""
    started: list[Endpoint] = []

    def make(system_id: str, clerk: str = "", dialect: str = "sdk") -> Endpoint:
        folder = tmp_path / system_id
        folder.mkdir(exist_ok=True)
        config = endpoint_config(folder, hub, pki, system_id, clerk)
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace("[hub]\n", f'[hub]\ndialect = "{dialect}"\n', 1))
        command = [sys.executable, "-m", "adapters.qoffice.cli", "serve", "--config", str(config)]
        endpoint = Endpoint(command, folder)
        endpoint.start()
        started.append(endpoint)
        return endpoint

    yield make
    for endpoint in started:
        endpoint.stop()
