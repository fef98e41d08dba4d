"""``axis serve --workers N``: N processes on one port over PostgreSQL, supervised by a parent
that restarts a worker that dies and stops them all on SIGTERM; refused on SQLite."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import aiohttp
import pytest

from axis import config as config_mod
from tests.hub.conftest import (
    SECRETS,
    SYSTEM_OF,
    A,
    B,
    document,
    hub_config,
    package_bytes,
    pki,
    seed,
)
from tests.support.hubproc import free_port
from tests.support.vxp_client import VxpClient

__all__ = ["pki"]
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def workers_of(parent: int) -> set[int]:
    found = subprocess.run(["ps", "--ppid", str(parent), "-o", "pid="], capture_output=True)
    return {int(pid) for pid in found.stdout.split()}


def wait_until(condition, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def healthy(endpoint: str) -> bool:
    try:
        with _OPENER.open(f"{endpoint}/healthz", timeout=1) as reply:
            return reply.status == 200
    except OSError:
        return False


async def send_some(endpoint: str, pki, count: int) -> list[str]:
    codes = []
    for _ in range(count):  # a new connection each: the kernel picks a worker per connection
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as s:
            client = VxpClient(endpoint, SYSTEM_OF[A], SECRETS[SYSTEM_OF[A]], session=s)
            reply = await client.send_edoc(package_bytes(pki, document(A, (B,))), A)
            codes.append(reply["ErrorCode"])
    return codes


def test_two_workers_share_the_port_survive_a_killed_worker_and_stop_on_sigterm(
    tmp_path: Path, pki, pg_dsn: str
) -> None:
    cfg = config_mod.replace(hub_config(tmp_path, pki), "store", backend="postgres", dsn=pg_dsn)
    asyncio.run(seed(cfg))
    port = free_port()
    config = tmp_path / "cluster.toml"
    config.write_text(
        f'[hub]\nlisten = "127.0.0.1:{port}"\ndata_dir = "{tmp_path}"\nkey_dir = "{cfg.hub.key_dir}"\n'
        f'[signature]\ntrust_dir = "{cfg.signature.trust_dir}"\n'
        f'[store]\nbackend = "postgres"\ndsn = "{pg_dsn}"\npool_size = 4\n'
        '[log]\nformat = "json"\nlevel = "warning"\n'
    )
    endpoint = f"http://127.0.0.1:{port}"
    parent = subprocess.Popen(
        [sys.executable, "-m", "axis", "serve", "--config", str(config), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: healthy(endpoint) and len(workers_of(parent.pid)) == 2)
        assert asyncio.run(send_some(endpoint, pki, 6)) == ["0"] * 6

        victim = min(workers_of(parent.pid))
        os.kill(victim, signal.SIGKILL)
        wait_until(lambda: len(workers_of(parent.pid) - {victim}) == 2)  # a new one
        wait_until(lambda: healthy(endpoint))
        assert asyncio.run(send_some(endpoint, pki, 4)) == ["0"] * 4

        workers = workers_of(parent.pid)
        parent.send_signal(signal.SIGTERM)
        assert parent.wait(timeout=30) == 0
        for pid in workers:  # every worker stopped with it
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)
    finally:
        if parent.poll() is None:
            parent.kill()
            for pid in workers_of(parent.pid):
                os.kill(pid, signal.SIGKILL)


def test_several_workers_on_sqlite_are_refused_with_the_reason(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "axis", "serve", "--workers", "2", "--listen", "127.0.0.1:1"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 2
    assert 'needs store.backend = "postgres"' in done.stderr
