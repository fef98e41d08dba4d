"""The commit is the acknowledgement: SIGKILL right after a 200 from /sendEdoc loses nothing.

Runs the real daemon (``python -m axis serve``) as a subprocess on a free loopback port, sends a
package, kills the process with SIGKILL the moment the 200 arrives, starts it again on the same
store, and checks the package is listed for each recipient, byte for byte.
"""

from __future__ import annotations

import base64
from pathlib import Path

import aiohttp
import pytest

from axis.config import Config
from tests.hub.conftest import SECRETS, SYSTEM_OF, A, B, C, document, package_bytes, seed
from tests.support.hubproc import HubProcess
from tests.support.vxp_client import VxpClient


@pytest.fixture
def store_backend() -> str:
    """SQLite's file survives the kill here; the same on PostgreSQL is `make chaos --backend
    postgres` (bench/chaos.py), too slow for every run."""
    return "sqlite"


async def test_a_package_acknowledged_with_200_survives_sigkill(
    tmp_path: Path, hub_cfg: Config, pki
) -> None:
    await seed(hub_cfg)
    hub = HubProcess(
        tmp_path,
        hub_settings=f'key_dir = "{hub_cfg.hub.key_dir}"',
        extra_config=f'[signature]\ntrust_dir = "{hub_cfg.signature.trust_dir}"\n',
        demo=False,  # the fixture seeded the demo directory with fixed test secrets
    )
    data = package_bytes(pki, document(A, (B, C)))
    hub.start()
    try:
        async with aiohttp.ClientSession() as session:
            sender = VxpClient(hub.endpoint, SYSTEM_OF[A], SECRETS[SYSTEM_OF[A]], session=session)
            reply = await sender.send_edoc(data, A)
            hub.kill()  # SIGKILL the instant the 200 is in
        assert reply["status"] == "OK", reply
        hub.start()
        async with aiohttp.ClientSession() as session:
            for agency in (B, C):
                system = SYSTEM_OF[agency]
                client = VxpClient(hub.endpoint, system, SECRETS[system], session=session)
                (row,) = (await client.get_received_list())["data"]
                fetched = await client.get_edoc(row["docId"])
                assert base64.b64decode(fetched["data"]) == data
    finally:
        hub.kill()
