"""Run a real hub as a child process for benchmarks and chaos runs.

The hub runs exactly as ``make run`` starts it (``axis serve --demo``), in a temporary data
directory and on a free loopback port; its demo seed gives the load generator systems, secrets
and agency signing keys (``<data_dir>/demo/systems.json``, ``<data_dir>/demo/pki``).
"""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from bench.loadgen import System

# Loopback only: never let proxy settings divert the health check.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Hub:
    data_dir: Path
    extra_config: str = ""
    # Extra lines for the [hub] table (it is written here, so it cannot come twice).
    hub_settings: str = ""
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None
    # Agencies registered at run time (system id -> agency ids), beyond the demo seed.
    extra_agencies: dict[str, list[str]] = field(default_factory=dict)
    # Seed the demo directory, systems and PKI (as `make run`); off when a test seeds its own.
    demo: bool = True

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def write_config(self) -> Path:
        path = self.data_dir / "bench.toml"
        path.write_text(
            f'[hub]\nlisten = "127.0.0.1:{self.port}"\ndata_dir = "{self.data_dir}"\n'
            f"{self.hub_settings}\n"
            f'[log]\nformat = "json"\nlevel = "warning"\n{self.extra_config}',
            encoding="utf-8",
        )
        return path

    def start(self, timeout_s: float = 60.0) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "axis", "serve", "--config", str(self.write_config())]
        self.process = self.spawn([*command, "--demo"] if self.demo else command)
        self.wait_healthy(timeout_s)

    def spawn(self, command: list[str]) -> subprocess.Popen[bytes]:
        """Start the child; its output goes to <data_dir>/hub.log."""
        self.log_path = self.data_dir / "hub.log"
        with self.log_path.open("ab") as log:  # the child keeps its own copy of the descriptor
            return subprocess.Popen(command, stdout=log, stderr=log, cwd=self.data_dir)

    def wait_healthy(self, timeout_s: float) -> None:
        assert self.process is not None
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"hub exited early; see {self.output()}")
            try:
                with _OPENER.open(f"{self.endpoint}/healthz", timeout=1) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"hub did not answer /healthz within {timeout_s}s; see {self.output()}")

    def output(self) -> str:
        """Where to read what the child printed."""
        return str(self.log_path)

    def kill(self) -> None:
        """SIGKILL: no cleanup, no flush; what the store committed must survive."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def ps(self) -> psutil.Process:
        assert self.process is not None
        return psutil.Process(self.process.pid)

    def systems(self) -> list[System]:
        raw = json.loads((self.data_dir / "demo" / "systems.json").read_text(encoding="utf-8"))
        return [
            System(
                s["system_id"],
                s["secret"],
                (*s["agencies"], *self.extra_agencies.get(s["system_id"], ())),
            )
            for s in raw
        ]

    def agency_key(self, agency: str) -> tuple[bytes, bytes, bytes]:
        """(key, cert, chain) PEM of a demo agency's signing certificate."""
        folder = self.data_dir / "demo" / "pki" / "agencies" / agency
        chain = folder / "chain.pem"
        return (
            (folder / "key.pem").read_bytes(),
            (folder / "cert.pem").read_bytes(),
            chain.read_bytes() if chain.exists() else b"",
        )


class Sampler:
    """Samples a process's RSS and CPU time while a phase runs (peak RSS, CPU seconds)."""

    def __init__(self, process: psutil.Process) -> None:
        self.process = process
        self.peak_rss = 0
        self._cpu_start = self._cpu()

    def _cpu(self) -> float:
        times = self.process.cpu_times()
        return times.user + times.system

    def sample(self) -> None:
        with contextlib.suppress(psutil.Error):
            self.peak_rss = max(self.peak_rss, self.process.memory_info().rss)

    def cpu_seconds(self) -> float:
        return self._cpu() - self._cpu_start
