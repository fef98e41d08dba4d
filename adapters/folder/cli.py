"""``axis-folder run --config FILE``: exchange packages through folders until SIGTERM/Ctrl-C,
over the hub door ``[hub] dialect`` names (the SDK wire protocol or the gateway's REST dialect)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys

import aiohttp

from adapters.folder import config as config_mod
from adapters.folder.runner import FolderAdapter
from adapters.vxp.door import hub_client
from axis import logs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="axis-folder", description="Send packages dropped in a folder; receive into one."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run_parser = sub.add_parser("run", help="run the adapter")
    run_parser.add_argument("--config", required=True, metavar="FILE")
    run_parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    try:
        config = config_mod.load(args.config)
    except (OSError, ValueError) as error:
        print(f"axis-folder: {error}", file=sys.stderr)
        return 2
    logs.setup("auto", args.log_level)
    asyncio.run(run(config))
    return 0


async def run(config: config_mod.Config) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    hub = config.hub
    async with aiohttp.ClientSession() as session:
        client = hub_client(hub, session, crlf=hub.sdk_crlf)  # [hub] dialect: sdk | gateway
        adapter = FolderAdapter(config.root, client)
        task = asyncio.create_task(adapter.run(hub.poll_interval_s))
        await stop.wait()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


if __name__ == "__main__":
    raise SystemExit(main())
