"""``axis serve --demo --network`` (what ``make run`` runs): the demo national network in one
command. Seeds the three hubs under hub.data_dir (axis/directory/network.py), starts each as a
child ``axis serve`` on its own loopback port (hub.listen's port for the national hub, the next
two for Quảng Nam H47 and Nghệ An H41; port 0 = free ports), waits for every /healthz, and stops
them together on Ctrl-C or SIGTERM; if one hub dies the others are stopped too. Ports already
in use are refused before anything starts (a hub left running there would answer for them). The
national hub pushes down to the provinces (``push_down``: hub-push to each province's
/bridge/push, docs/tiers.md "Down by push"); the provinces forward up through their queue
manager."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from axis.config import Config
from axis.directory import network
from axis.errors import ConfigError

HUBS = ("national", "h47", "h41")
_STOP_GRACE_S = 30.0
# Loopback only: never let proxy settings divert the health check.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def ports(first: int) -> dict[str, int]:
    """hub name -> port: ``first`` and the next two, or free ports when ``first`` is 0."""
    if first == 0:
        return {name: _free_port() for name in HUBS}
    return {name: first + i for i, name in enumerate(HUBS)}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def check_free(wanted: dict[str, int]) -> None:
    """Refuse ports something already listens on: a hub left running there (another ``make
    run``) would answer the /healthz this command waits for, and its clients, in place of the
    child that cannot bind (docs/tiers.md "Seeing it")."""
    for name, port in wanted.items():
        with socket.socket() as sock:
            # as the hubs bind: a port left in TIME_WAIT by a stopped run is free, a listener not
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                raise ConfigError(
                    f"port {port} for hub {name} is in use (another `make run`?): stop what "
                    "listens there or give another --listen"
                ) from None


def run(cfg: Config, first_port: int, banner: Callable[[str], None]) -> int:
    base = Path(cfg.hub.data_dir)
    wanted = ports(first_port)
    check_free(wanted)
    plans = asyncio.run(network.seed(base, wanted))
    pki_dir = base / "demo" / "pki"
    children: dict[str, subprocess.Popen[bytes]] = {}
    stopping = started = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        if not started:  # still starting hubs: leave at once, the finally stops what runs
            raise KeyboardInterrupt

    # SIGINT explicitly too: a command started in the background by a non-interactive shell
    # inherits SIGINT ignored, and Python then never raises KeyboardInterrupt for Ctrl-C / kill -INT.
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for plan in plans:
            extra = push_down(plans) if plan.name == network.NATIONAL else ""
            children[plan.name] = _start(plan, pki_dir, cfg.log.level, extra)
        for plan in plans:
            _wait_healthy(plan, children[plan.name])
        banner(_banner(base, plans))
        started = True
        while not stopping and all(child.poll() is None for child in children.values()):
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        _stop_all(children)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    died = [name for name, child in children.items() if child.returncode not in (0, -15)]
    return 1 if died and not stopping else 0


def push_down(plans: list[network.HubPlan], **settings: float) -> str:
    """The national hub's config tables that push down to every provincial hub of ``plans``
    (each province's connection centre, in push mode with the hub-push adapter; ``settings``:
    more hub-push keys, e.g. lease_s)."""
    lines = []
    for plan in plans:
        upstream = plan.config.get("upstream")
        if upstream:
            lines += [
                f'[delivery.systems."{upstream["system_id"]}"]',
                'mode = "push"',
                'adapter = "hub-push"',
                f'url = "{plan.endpoint}/bridge/push"',
                *(f"{key} = {value}" for key, value in settings.items()),
                "",
            ]
    return "\n".join(lines)


def _start(
    plan: network.HubPlan, pki_dir: Path, log_level: str, extra: str = ""
) -> subprocess.Popen[bytes]:
    plan.data_dir.mkdir(parents=True, exist_ok=True)
    config = plan.data_dir / "hub.toml"
    text = network.config_toml(plan, pki_dir, log_level=log_level)
    config.write_text(text + "\n" + extra if extra else text, "utf-8")
    command = [sys.executable, "-m", "axis", "serve", "--config", str(config)]
    with (plan.data_dir / "hub.log").open("ab") as log:  # the child keeps its own descriptor
        return subprocess.Popen(command, stdout=log, stderr=log)


def _wait_healthy(plan: network.HubPlan, child: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise RuntimeError(f"hub {plan.name} exited; see {plan.data_dir / 'hub.log'}")
        with (
            contextlib.suppress(OSError),
            _OPENER.open(f"{plan.endpoint}/healthz", timeout=1) as reply,
        ):
            if reply.status == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"hub {plan.name} did not answer /healthz; see {plan.data_dir}/hub.log")


def _stop_all(children: dict[str, subprocess.Popen[bytes]]) -> None:
    """SIGTERM every hub still running (each finishes its in-flight requests), then wait."""
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + _STOP_GRACE_S
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _banner(base: Path, plans: list[network.HubPlan]) -> str:
    lines = ["axis demo network (Ctrl-C stops all three):"]
    lines += [f"  {p.name:9} {p.endpoint}  log {p.data_dir / 'hub.log'}" for p in plans]
    lines += [
        f"  systems, secrets and the hub each talks to: {base / 'demo' / 'systems.json'}",
        f"  agency signing keys: {base / 'demo' / 'pki' / 'agencies'}/<agency id>/",
        "  try: axis route --config "
        f"{plans[1].data_dir / 'hub.toml'} 000.24.31.H47 000.24.31.H41 000.00.00.G22",
    ]
    return "\n".join(lines)
