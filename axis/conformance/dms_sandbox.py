"""The DMS target's sandbox hub: a real ``axis serve`` child process the DMS under test talks to.

The kit seeds a data dir (the demo directory, a dev PKI, the kit's own systems for the agencies
it plays, and one system for the DMS serving two agencies), starts ``axis serve`` on a free
loopback port and puts the recorder (``dms_recorder``) in front of it: the DMS is configured with
the recorder's endpoint, so the kit sees every request the DMS made, byte for byte, while the
hub behaves exactly as in production. The same ``--sandbox-dir`` keeps the secret and the keys
across runs, so a DMS is configured once.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from axis import config as config_mod
from axis.directory import demo
from axis.directory.credentials import new_system_secret
from axis.pki import devpki
from axis.store import open_store

# The DMS under test is one connected system serving two departments of Quảng Nam
# (docs/domain.md §2); the kit plays the Government Office and a central ministry.
DMS_SYSTEM = "00.47.K01"
DMS_AGENCIES = ("000.00.08.H47", "000.00.12.H47")
KIT_AGENCIES = {"000.00.00.G22": "00.00.G22", "000.00.00.G10": "00.00.W00"}
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Seeded:
    """What the seed wrote: every system's secret and where the agencies' keys are."""

    directory: Path
    secrets: dict[str, str]

    @property
    def pki(self) -> devpki.DevPki:
        return devpki.DevPki(self.directory / "pki")

    def keys(self, agency: str) -> dict[str, str]:
        paths = self.pki.agency(agency)
        return {"key": str(paths.key), "cert": str(paths.cert), "chain": str(paths.chain)}


async def seed(directory: Path) -> Seeded:
    """Directory, systems and dev PKI in ``directory``; idempotent (secrets and keys kept)."""
    directory.mkdir(parents=True, exist_ok=True)
    secrets_file = directory / "secrets.json"
    known = json.loads(secrets_file.read_text("utf-8")) if secrets_file.is_file() else {}
    wanted = {DMS_SYSTEM: DMS_AGENCIES} | {s: served for s, (_, served) in demo.SYSTEMS.items()}
    chosen = {system: known.get(system) or new_system_secret() for system in wanted}
    cfg = config_mod.replace(config_mod.Config(), "hub", data_dir=str(directory / "hub"))
    store = await open_store(cfg)
    try:
        rows = demo.agencies()
        await store.import_agencies(rows)
        for system_id, secret in chosen.items():
            name = "the DMS under test" if system_id == DMS_SYSTEM else demo.SYSTEMS[system_id][0]
            if not await store.add_system(system_id, secret, name):
                chosen[system_id] = await store.get_secret(system_id) or secret
        await store.assign_agencies(DMS_SYSTEM, list(DMS_AGENCIES))
    finally:
        await store.close()
    fd = os.open(secrets_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(chosen, handle, indent=2)
    devpki.init(directory / "pki", [(row.id, row.name) for row in rows], key_type="ec")
    return Seeded(directory, chosen)


@dataclass
class SandboxHub:
    """``axis serve`` as a child process; its output goes to <directory>/hub.log."""

    seeded: Seeded
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.seeded.directory / "hub.log"

    def write_config(self) -> Path:
        pki = self.seeded.pki
        path = self.seeded.directory / "hub.toml"
        path.write_text(
            f'[hub]\nlisten = "127.0.0.1:{self.port}"\n'
            f'data_dir = "{self.seeded.directory / "hub"}"\nkey_dir = "{pki.directory / "hub"}"\n'
            f'[signature]\ntrust_dir = "{pki.trust_dir}"\n'
            '[log]\nformat = "json"\nlevel = "warning"\n',
            encoding="utf-8",
        )
        return path

    async def start(self, timeout_s: float = 60.0) -> None:
        command = [sys.executable, "-m", "axis", "serve", "--config", str(self.write_config())]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=log)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the sandbox hub exited; see {self.log_path}")
            if await asyncio.to_thread(self._healthy):
                return
            await asyncio.sleep(0.1)
        raise RuntimeError(f"the sandbox hub did not start in {timeout_s:.0f}s; {self.log_path}")

    def _healthy(self) -> bool:
        try:
            with _OPENER.open(f"{self.endpoint}/healthz", timeout=1) as reply:
                return bool(reply.status == 200)
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass(frozen=True)
class DmsSettings:
    """What the DMS under test is configured with (printed, and ``--config-out`` as JSON)."""

    endpoint: str  # the recorder in front of the sandbox hub
    system_id: str
    secret: str
    agencies: dict[str, dict[str, str]]  # agency id -> {name, key, cert, chain}
    trust_root: str
    poll_interval_s: float
    kit_agencies: dict[str, str]  # the agencies the kit plays: id -> name

    def as_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False, indent=2) + "\n"

    def banner(self) -> str:
        lines = [
            "Configure the DMS under test with:",
            f"  hub endpoint   {self.endpoint}",
            f"  system id      {self.system_id}",
            f"  secret         {self.secret}",
            f"  poll interval  {self.poll_interval_s:g} s (for this run)",
        ]
        for agency, keys in self.agencies.items():
            lines.append(f"  agency {agency} ({keys['name']}): key {keys['key']}")
            lines.append(f"      certificate {keys['cert']}, chain {keys['chain']}")
        lines.append(f"  trust root     {self.trust_root}")
        played = ", ".join(f"{a} ({n})" for a, n in self.kit_agencies.items())
        lines.append(f"The kit plays: {played}")
        return "\n".join(lines)


def settings(seeded: Seeded, endpoint: str, poll_interval_s: float) -> DmsSettings:
    names = {row.id: row.name for row in demo.agencies()}
    return DmsSettings(
        endpoint=endpoint,
        system_id=DMS_SYSTEM,
        secret=seeded.secrets[DMS_SYSTEM],
        agencies={a: {"name": names[a], **seeded.keys(a)} for a in DMS_AGENCIES},
        trust_root=str(seeded.pki.root),
        poll_interval_s=poll_interval_s,
        kit_agencies={a: names[a] for a in KIT_AGENCIES},
    )
