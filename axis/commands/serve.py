"""``axis serve``: run the hub daemon (the VXP-compatible API) until Ctrl-C / SIGTERM.

``--demo`` (what ``make run SINGLE=1`` passes) seeds the demo directory, systems and dev PKI under
hub.data_dir on first start and points the signature trust store and the receipt key at that
dev PKI unless the config names its own. ``--demo --network`` (what ``make run`` passes) starts
the demo national network instead (axis/directory/network_run.py). ``--listen`` and
``--data-dir`` override hub.listen and hub.data_dir (``make run RUN_ARGS="--data-dir /tmp/net"``).
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from axis import config as config_mod
from axis import logs
from axis.config import Config
from axis.directory.demo import DemoInfo


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the hub daemon",
        description="Serve the VXP-compatible API until Ctrl-C or SIGTERM; in-flight requests "
        "get hub.shutdown_grace_s seconds to finish.",
    )
    parser.add_argument("--config", metavar="FILE", help="config.toml (default: all defaults)")
    parser.add_argument("--listen", metavar="HOST:PORT", help="override hub.listen")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="override hub.data_dir (e.g. a demo network in a temp folder)",
    )
    parser.add_argument(
        "--demo", action="store_true", help="seed a demo directory, systems and dev PKI first"
    )
    parser.add_argument(
        "--network",
        action="store_true",
        help="with --demo: the national hub and two provincial hubs (H47, H41) as child "
        "processes on hub.listen's port and the next two (docs/tiers.md)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="N hub processes sharing the port (PostgreSQL store only; default 1)",
    )
    parser.set_defaults(func=run)


def parse_listen(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit():
        raise config_mod.ConfigError(f"listen must be HOST:PORT, got {value!r}")
    return host.strip("[]") or "127.0.0.1", int(port)


def prepare_demo(cfg: Config) -> Config:
    """Seed the demo (idempotent), print where things are, and point trust/receipts at it."""
    from axis.directory import demo
    from axis.store import open_store_waiting

    async def _seed() -> DemoInfo:
        store = await open_store_waiting(cfg)
        try:
            return await demo.seed(store, cfg.data_dir)
        finally:
            await store.close()

    info = asyncio.run(_seed())
    if not cfg.signature.trust_dir:
        cfg = config_mod.replace(cfg, "signature", trust_dir=str(info.trust_dir))
    if not cfg.hub.key_dir:
        cfg = config_mod.replace(cfg, "hub", key_dir=str(info.hub_key_dir))
    print(demo_banner(info, cfg), file=sys.stderr)
    return cfg


def demo_banner(info: DemoInfo, cfg: Config) -> str:
    host, port = parse_listen(cfg.hub.listen)
    return (
        f"axis demo: systems and secrets in {info.systems_json}\n"
        f"           agency signing keys in {info.pki_dir}/agencies/<agency id>/\n"
        f"           trust anchors in {info.trust_dir}\n"
        f"  example: endpoint http://{host}:{port}, system 00.47.W00 (Quảng Nam) sends as "
        "000.00.00.H47 to 000.00.00.G22;\n"
        "           sign with: axis sign --key <pki>/agencies/000.00.00.H47/key.pem "
        "--cert <pki>/agencies/000.00.00.H47/cert.pem IN OUT"
    )


def run(args: argparse.Namespace) -> int:
    cfg = config_mod.load(args.config)
    if args.listen:
        cfg = config_mod.replace(cfg, "hub", listen=args.listen)
    if args.data_dir:
        cfg = config_mod.replace(cfg, "hub", data_dir=args.data_dir)
    logs.setup(cfg.log.format, cfg.log.level)
    if args.network:
        return run_network(cfg, args)
    if args.demo or cfg.demo.enabled:
        cfg = prepare_demo(cfg)
    host, port = parse_listen(cfg.hub.listen)
    check_workers(cfg, args.workers)
    from axis.api.serving import run as run_app
    from axis.api.serving import run_workers

    banner = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    if args.workers > 1:
        return run_workers(cfg, host, port, args.workers, banner)
    run_app(cfg, host, port, banner=banner)
    return 0


def check_workers(cfg: Config, workers: int) -> None:
    """Several processes only on PostgreSQL (docs/decisions.md "Several workers on SQLite")."""
    if workers < 1:
        raise config_mod.ConfigError(f"--workers must be at least 1, got {workers}")
    if workers > 1 and cfg.store.backend != "postgres":
        raise config_mod.ConfigError(
            f'--workers {workers} needs store.backend = "postgres": on SQLite one process '
            "decides duplicates, status order and replays in memory, so a second process "
            "could store a document twice; run one process, or move to PostgreSQL "
            "(axis store copy)"
        )


def run_network(cfg: Config, args: argparse.Namespace) -> int:
    """The demo national network (axis/directory/network_run.py)."""
    from axis.directory import network_run

    if not args.demo or args.workers != 1:
        raise config_mod.ConfigError("--network runs the demo network: give --demo, no --workers")
    _, port = parse_listen(cfg.hub.listen)
    return network_run.run(cfg, port, lambda line: print(line, file=sys.stderr, flush=True))
