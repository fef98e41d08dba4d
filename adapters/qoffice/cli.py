"""``axis-qoffice serve --config FILE``: run one Q-Office-style endpoint until SIGTERM/Ctrl-C.

Listens on ``[endpoint] listen`` (port 0 picks a free port) and writes the bound port to
``<data_dir>/port`` (atomically) and a line to stderr, so scripts and tests find it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from pathlib import Path

import aiohttp
from aiohttp import web

from adapters.qoffice import config as config_mod
from adapters.qoffice.clerk import AutoClerk
from adapters.qoffice.db import Database
from adapters.qoffice.push import add_push_route
from adapters.qoffice.registers import Registers
from adapters.qoffice.sync import HubLink
from adapters.qoffice.web import create_app
from adapters.vxp.door import hub_client
from axis import logs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="axis-qoffice", description="A Q-Office-style agency document endpoint."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    serve_parser = sub.add_parser("serve", help="run the endpoint")
    serve_parser.add_argument("--config", required=True, metavar="FILE")
    serve_parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    try:
        config = config_mod.load(args.config)
    except (OSError, ValueError) as error:
        print(f"axis-qoffice: {error}", file=sys.stderr)
        return 2
    logs.setup("auto", args.log_level)
    asyncio.run(serve(config))
    return 0


async def serve(config: config_mod.Config) -> None:
    db = await Database.open(config.data_dir / "qoffice.sqlite3")
    registers = Registers(db, config)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with aiohttp.ClientSession() as session:
        hub = config.hub
        client = hub_client(hub, session, crlf=hub.sdk_crlf and not config.defects.no_crlf)
        link = HubLink(registers, client, hub.poll_interval_s)
        app = create_app(registers, config.endpoint.token, link.outgoing_ready.set)
        add_push_route(app, link)  # the hub may deliver by push instead (docs/delivery.md)
        runner = web.AppRunner(app)
        await runner.setup()
        host, _, port = config.endpoint.listen.rpartition(":")
        site = web.TCPSite(runner, host or "127.0.0.1", int(port))
        await site.start()
        bound = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        write_port(config.data_dir / "port", bound)
        print(f"axis-qoffice: listening on http://{host}:{bound}", file=sys.stderr, flush=True)
        if config.defects.active():
            print(f"axis-qoffice: TEST-ONLY defects on: {', '.join(config.defects.active())}",
                  file=sys.stderr, flush=True)  # fmt: skip
        tasks = [asyncio.create_task(link.run_pull()), asyncio.create_task(link.run_push())]
        if config.clerk.enabled:
            clerk = AutoClerk(registers, config.clerk, link.outgoing_ready.set)
            tasks.append(asyncio.create_task(clerk.run()))
        await stop.wait()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await runner.cleanup()
    await db.close()


def write_port(path: Path, port: int) -> None:
    """Temp file, fsync, rename: a reader never sees half a number."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w") as handle:
        handle.write(f"{port}\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


if __name__ == "__main__":
    raise SystemExit(main())
