"""The commit is the acknowledgement: SIGKILL right after a 200 from /sendEdoc loses nothing.

Runs the real daemon (``python -m axis serve``) as a subprocess on a free loopback port, sends a
package, kills the process with SIGKILL the moment the 200 arrives, starts it again on the same
store, and checks the package is listed for each recipient, byte for byte.
"""

from __future__ import annotations

import asyncio
import base64
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import aiohttp

from axis.config import Config
from tests.hub.conftest import SECRETS, SYSTEM_OF, A, B, C, document, package_bytes, seed
from tests.vxp_client import VxpClient

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(config: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "axis", "serve", "--config", str(config)]
    with log.open("ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=out)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            with _OPENER.open(f"http://127.0.0.1:{port}/healthz", timeout=1) as reply:
                if reply.status == 200:
                    return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise AssertionError(f"hub did not start: {log.read_text()}")


async def test_a_package_acknowledged_with_200_survives_sigkill(
    tmp_path: Path, hub_cfg: Config, pki
) -> None:
    await seed(hub_cfg)
    port = _free_port()
    config = tmp_path / "hub.toml"
    config.write_text(
        f'[hub]\nlisten = "127.0.0.1:{port}"\ndata_dir = "{tmp_path}"\n'
        f'key_dir = "{hub_cfg.hub.key_dir}"\n'
        f'[signature]\ntrust_dir = "{hub_cfg.signature.trust_dir}"\n'
        '[log]\nformat = "json"\n',
        encoding="utf-8",
    )
    endpoint, log = f"http://127.0.0.1:{port}", tmp_path / "hub.log"
    data = package_bytes(pki, document(A, (B, C)))
    process = _start(config, port, log)
    try:
        async with aiohttp.ClientSession() as session:
            sender = VxpClient(endpoint, SYSTEM_OF[A], SECRETS[SYSTEM_OF[A]], session=session)
            reply = await sender.send_edoc(data, A)
            process.send_signal(signal.SIGKILL)
        assert reply["status"] == "OK", reply
        await asyncio.to_thread(process.wait)
        process = _start(config, port, log)
        async with aiohttp.ClientSession() as session:
            for agency in (B, C):
                system = SYSTEM_OF[agency]
                client = VxpClient(endpoint, system, SECRETS[system], session=session)
                (row,) = (await client.get_received_list())["data"]
                fetched = await client.get_edoc(row["docId"])
                assert base64.b64decode(fetched["data"]) == data
    finally:
        process.kill()
        process.wait()
