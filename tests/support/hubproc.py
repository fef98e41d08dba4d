"""Run a real hub as a child process for benchmarks and chaos runs.

The hub runs exactly as ``make run`` starts it (``axis serve --demo``), in a temporary data
directory and on a free loopback port; its demo seed gives the load generator systems, secrets
and agency signing keys (``<data_dir>/demo/systems.json``, ``<data_dir>/demo/pki``).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from axis.thread_names import CHECK_THREAD
from bench.loadgen import System

# Loopback only: never let proxy settings divert the health check.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


# Ports for the servers tests start. Not the kernel's choice (bind to 0): that comes from the
# ephemeral range, where any outgoing connection may take the port between our choice and the
# server's bind, and a second test worker may be handed the same one ("address already in
# use"). Instead a block below the ephemeral range (32768-60999 on Linux) per pytest-xdist
# worker, walked in turn, each port checked free when chosen.
_PORT_BASE, _PORT_BLOCK, _PORT_BLOCKS = 20000, 1000, 12
_port_turn = itertools.count()


def free_port() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    start = _PORT_BASE + (int(worker) if worker.isdigit() else 0) % _PORT_BLOCKS * _PORT_BLOCK
    for _ in range(_PORT_BLOCK):
        port = start + next(_port_turn) % _PORT_BLOCK
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:  # in use (or lingering): the next one
                continue
        return port
    raise RuntimeError(f"no free loopback port in {start}-{start + _PORT_BLOCK - 1}")


def healthy(endpoint: str) -> bool:
    """True when the hub at ``endpoint`` answers /healthz with 200 now."""
    try:
        with _OPENER.open(f"{endpoint}/healthz", timeout=1) as reply:
            return bool(reply.status == 200)
    except OSError:
        return False


def interrupt(command: subprocess.Popen[bytes], timeout_s: float = 60) -> None:
    """Stop a running command as Ctrl-C does (SIGINT); SIGKILL it if it is not gone in time."""
    if command.poll() is not None:
        return
    command.send_signal(signal.SIGINT)
    try:
        command.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        command.kill()
        command.wait()


@dataclass
class HubProcess:
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
    # Serving processes (`axis serve --workers N`, only passed when N > 1).
    workers: int = 1
    # "info" is what a deployed hub logs (config.toml); tests keep their logs quiet.
    log_level: str = "warning"
    # Extra environment for the child (bench/ab.py: PYTHONPATH to another tree's axis).
    env: dict[str, str] = field(default_factory=dict)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def write_config(self) -> Path:
        path = self.data_dir / "bench.toml"
        path.write_text(
            f'[hub]\nlisten = "127.0.0.1:{self.port}"\ndata_dir = "{self.data_dir}"\n'
            f"{self.hub_settings}\n"
            f'[log]\nformat = "json"\nlevel = "{self.log_level}"\n{self.extra_config}',
            encoding="utf-8",
        )
        return path

    def start(self, timeout_s: float = 60.0) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "axis", "serve", "--config", str(self.write_config())]
        if self.workers > 1:
            command += ["--workers", str(self.workers)]
        self.process = self.spawn([*command, "--demo"] if self.demo else command)
        self.wait_healthy(timeout_s)

    def spawn(self, command: list[str]) -> subprocess.Popen[bytes]:
        """Start the child; its output goes to <data_dir>/hub.log."""
        self.log_path = self.data_dir / "hub.log"
        with self.log_path.open("ab") as log:  # the child keeps its own copy of the descriptor
            return subprocess.Popen(
                command,
                stdout=log,
                stderr=log,
                cwd=self.data_dir,
                env={**os.environ, **self.env} if self.env else None,
            )

    def wait_healthy(self, timeout_s: float) -> None:
        assert self.process is not None
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"hub exited early; see {self.output()}:\n{self.output_tail()}")
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

    def output_tail(self, lines: int = 15) -> str:
        """The last lines the child printed (its log folder may be gone when a run aborts)."""
        if self.log_path is None or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text("utf-8", "replace").splitlines()[-lines:])

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


def serve_supports_workers() -> bool:
    """Whether this axis has `axis serve --workers N` (multi-process serving)."""
    done = subprocess.run(
        [sys.executable, "-m", "axis", "serve", "--help"], capture_output=True, text=True
    )
    return "--workers" in done.stdout


def process_tree(process: psutil.Process) -> list[psutil.Process]:
    """The hub's process and its children (the workers of a multi-process hub); [] once gone."""
    with contextlib.suppress(psutil.Error):
        return [process, *process.children(recursive=True)]
    return []


class Sampler:
    """Samples RSS and CPU time of a process and its children (the workers of a multi-process
    hub) while a phase runs: peak RSS of the tree, CPU seconds spent since the sampler began."""

    def __init__(self, process: psutil.Process) -> None:
        self.process = process
        self.peak_rss = 0
        self._start: dict[int, float] = {}  # pid -> CPU seconds when first seen
        self._last: dict[int, float] = {}  # pid -> CPU seconds when last seen
        self._tree_cpu(first=True)

    def _members(self) -> list[psutil.Process]:
        return process_tree(self.process)

    def _tree_cpu(self, first: bool = False) -> None:
        for member in self._members():
            with contextlib.suppress(psutil.Error):
                times = member.cpu_times()
                used = times.user + times.system
                # A worker born during the phase spent all its CPU inside it.
                self._start.setdefault(member.pid, used if first else 0.0)
                self._last[member.pid] = used

    def sample(self) -> None:
        rss = 0
        for member in self._members():
            with contextlib.suppress(psutil.Error):
                rss += member.memory_info().rss
        self.peak_rss = max(self.peak_rss, rss)

    def cpu_seconds(self) -> float:
        self._tree_cpu()
        return sum(self._last[pid] - self._start[pid] for pid in self._last)


class ThreadCpu:
    """CPU seconds of a hub's threads by role since construction, over every serving process:
    ``loop`` (each process's main thread: HTTP, auth, handlers, the store's Python side),
    ``checks`` (the package-check pool, named by axis/thread_names.py) and ``other`` (the
    SQLite connections' threads, blob reads, anything else). A thread that ends within the
    phase takes its CPU with it; the hub's threads live as long as the hub."""

    ROLES = ("loop", "checks", "other")

    def __init__(self, process: psutil.Process) -> None:
        self.process = process
        self._start = self._times()

    def _times(self) -> dict[tuple[int, int], float]:
        """CPU seconds so far of each (pid, tid) of the hub's processes."""
        times: dict[tuple[int, int], float] = {}
        for member in process_tree(self.process):
            with contextlib.suppress(psutil.Error, OSError):
                for thread in member.threads():
                    times[member.pid, thread.id] = thread.user_time + thread.system_time
        return times

    @staticmethod
    def _role(pid: int, tid: int) -> str:
        if tid == pid:
            return "loop"
        try:
            name = Path(f"/proc/{pid}/task/{tid}/comm").read_text().strip()
        except OSError:
            return "other"
        return "checks" if name == CHECK_THREAD else "other"

    def seconds(self) -> dict[str, float]:
        """CPU seconds per role since construction; roles are read now, from the threads' names."""
        spent = dict.fromkeys(self.ROLES, 0.0)
        for (pid, tid), used in self._times().items():
            spent[self._role(pid, tid)] += used - self._start.get((pid, tid), 0.0)
        return spent


class SelfCpu:
    """CPU seconds of this very process (the load generator) since construction."""

    def __init__(self) -> None:
        self._start = self._now()

    @staticmethod
    def _now() -> float:
        times = psutil.Process().cpu_times()
        return float(times.user + times.system)

    def seconds(self) -> float:
        return self._now() - self._start
