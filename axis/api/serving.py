"""The daemon's life: listen, serve until SIGINT/SIGTERM, then stop gracefully.

Graceful means: stop accepting connections, let every request already in flight finish (up to
hub.shutdown_grace_s; a second signal cuts the wait short), then close connections and the
store. aiohttp's own run_app stops reading request bodies the moment shutdown starts, so an
upload in progress would be cut off; we wait for in-flight requests ourselves first.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable

from aiohttp import web

from axis import logs
from axis.api.app import IN_FLIGHT, create_app, server_args
from axis.config import Config

log = logs.get("axis.api")


def new_loop(cfg: Config) -> asyncio.AbstractEventLoop:
    """uvloop (libuv) when configured: less loop overhead per request (docs/decisions.md)."""
    if cfg.hub.event_loop == "uvloop":
        import uvloop

        return uvloop.new_event_loop()
    return asyncio.new_event_loop()


def run(cfg: Config, host: str, port: int, banner: Callable[[str], None] | None = None) -> None:
    """Serve until SIGINT/SIGTERM (blocking)."""
    loop = new_loop(cfg)
    try:
        loop.run_until_complete(serve(cfg, host, port, banner))
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


async def serve(
    cfg: Config, host: str, port: int, banner: Callable[[str], None] | None = None
) -> None:
    app = create_app(cfg)
    runner = web.AppRunner(
        app,
        handle_signals=False,
        access_log=None,
        shutdown_timeout=cfg.hub.shutdown_grace_s,
        **server_args(cfg),
    )
    await runner.setup()
    signals = _Signals()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        if banner:
            banner(f"======== axis listening on http://{host}:{port} (Ctrl-C stops) ========")
        await signals.first.wait()
        log.info("stopping: no new connections; waiting for requests in flight")
        await site.stop()
        await _drain(app, cfg.hub.shutdown_grace_s, signals.second)
    finally:
        signals.remove()
        await runner.cleanup()


async def _drain(app: web.Application, grace_s: float, hurry: asyncio.Event) -> None:
    in_flight = app[IN_FLIGHT]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + grace_s
    while in_flight.current and loop.time() < deadline and not hurry.is_set():
        await asyncio.sleep(0.02)
    if in_flight.current:
        log.warning("stopping with requests unfinished", in_flight=in_flight.current)


class _Signals:
    """SIGINT/SIGTERM: the first starts a graceful stop, the second hurries it."""

    def __init__(self) -> None:
        self.first, self.second = asyncio.Event(), asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self._received)

    def _received(self) -> None:
        (self.second if self.first.is_set() else self.first).set()

    def remove(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
