"""The daemon's life: listen, serve until SIGINT/SIGTERM, then stop gracefully, in bounded time.

Graceful means: stop accepting connections, let every request already in flight finish (up to
hub.shutdown_grace_s; a second signal cuts the wait short), then close connections and the
store. aiohttp's own run_app stops reading request bodies the moment shutdown starts, so an
upload in progress would be cut off; we wait for in-flight requests ourselves first.

Bounded means: a worker thread stuck in a C call (a parser, a disk that no longer answers)
cannot be interrupted, and the interpreter would wait for it at exit for ever. After the
store is closed we give such threads one more grace period (or until a second signal), then
log which are still busy and exit without them (docs/security.md, Logs and shutdown).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from aiohttp import web

from axis import logs
from axis.api.app import IN_FLIGHT, PEER_GUARD, create_app, server_args
from axis.api.connections import GuardedSite
from axis.config import Config

log = logs.get("axis.api")
# How long a stopping hub still accepts connections already waiting in the listen backlog.
BACKLOG_SETTLE_S = 0.1
# Exit status when the stop had to leave stuck worker threads behind.
EXIT_WORKERS_STUCK = 3


def new_loop(cfg: Config) -> asyncio.AbstractEventLoop:
    """uvloop (libuv) when configured: less loop overhead per request (docs/decisions.md)."""
    if cfg.hub.event_loop == "uvloop":
        import uvloop

        return uvloop.new_event_loop()
    return asyncio.new_event_loop()


def run(
    cfg: Config,
    host: str,
    port: int,
    banner: Callable[[str], None] | None = None,
    *,
    reuse_port: bool = False,
) -> None:
    """Serve until SIGINT/SIGTERM (blocking). reuse_port: share the port with sibling workers."""
    loop = new_loop(cfg)
    try:
        loop.run_until_complete(serve(cfg, host, port, banner, reuse_port=reuse_port))
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


@dataclass
class Running:
    """A started hub: its application, runner and listening site."""

    app: web.Application
    runner: web.AppRunner
    site: GuardedSite

    @property
    def port(self) -> int:
        return self.site.port


async def start(cfg: Config, host: str, port: int, *, reuse_port: bool = False) -> Running:
    """The hub listening on host:port (0 = any free port), connections behind the PeerGuard."""
    app = create_app(cfg)
    runner = web.AppRunner(
        app,
        handle_signals=False,
        access_log=None,
        shutdown_timeout=cfg.hub.shutdown_grace_s,
        **server_args(cfg),
    )
    await runner.setup()
    site = GuardedSite(runner, host, port, app[PEER_GUARD], reuse_port=reuse_port)
    try:
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    return Running(app, runner, site)


async def serve(
    cfg: Config,
    host: str,
    port: int,
    banner: Callable[[str], None] | None = None,
    *,
    reuse_port: bool = False,
) -> None:
    signals = _Signals()
    # Our own default executor (asyncio.to_thread), so the stop can release its idle threads.
    default_executor = ThreadPoolExecutor(thread_name_prefix="axis-io")
    asyncio.get_running_loop().set_default_executor(default_executor)
    try:
        running = await (
            start(cfg, host, port, reuse_port=True) if reuse_port else start(cfg, host, port)
        )
        try:
            if banner:
                banner(
                    f"======== axis listening on http://{host}:{running.port} "
                    "(Ctrl-C stops) ========"
                )
            await signals.first.wait()
            log.info("stopping: no new connections; waiting for requests in flight")
            # Connections the kernel completed before the signal are still in the listen
            # backlog: one moment more to accept them, else closing the socket resets them.
            await asyncio.sleep(BACKLOG_SETTLE_S)
            await running.site.stop()
            await _drain(running.app, cfg.hub.shutdown_grace_s, signals.second)
        finally:
            await running.runner.cleanup()
            default_executor.shutdown(wait=False, cancel_futures=True)
        await _leave_stuck_threads(cfg.hub.shutdown_grace_s, signals.second)
    finally:
        signals.remove()


async def _drain(app: web.Application, grace_s: float, hurry: asyncio.Event) -> None:
    """Wait for handlers running and for requests begun but not yet handed to one (headers
    still arriving, or queued behind a pipelined request)."""
    in_flight, guard = app[IN_FLIGHT], app[PEER_GUARD]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + grace_s
    while (
        (in_flight.current or guard.mid_request()) and loop.time() < deadline and not hurry.is_set()
    ):
        await asyncio.sleep(0.02)
    if in_flight.current or guard.mid_request():
        log.warning(
            "stopping with requests unfinished",
            in_flight=in_flight.current,
            begun=guard.mid_request(),
        )


def _busy_threads() -> list[threading.Thread]:
    """Threads the interpreter would wait for at exit (worker pools, not daemons)."""
    main = threading.main_thread()
    return [t for t in threading.enumerate() if t is not main and not t.daemon and t.is_alive()]


async def _leave_stuck_threads(grace_s: float, hurry: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + grace_s
    while _busy_threads() and loop.time() < deadline and not hurry.is_set():
        await asyncio.sleep(0.05)
    stuck = _busy_threads()
    if stuck:
        log.error(
            "stopping: worker threads still busy; exiting without them",
            threads=[t.name for t in stuck],
            waited_s=grace_s,
            hurried=hurry.is_set(),
        )
        os._exit(EXIT_WORKERS_STUCK)  # the interpreter's exit would join them for ever
    log.info("stopped")


class _Signals:
    """SIGINT/SIGTERM: the first starts a graceful stop, the second hurries it."""

    def __init__(self) -> None:
        self.first, self.second = asyncio.Event(), asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self._received)

    def _received(self) -> None:
        if self.first.is_set():
            log.warning("second signal: stopping now")
        (self.second if self.first.is_set() else self.first).set()

    def remove(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


# A worker that dies is started again after this pause (a crash loop must not spin a core).
RESTART_PAUSE_S = 1.0


def run_workers(
    cfg: Config, host: str, port: int, workers: int, banner: Callable[[str], None] | None = None
) -> int:
    """``axis serve --workers N``: N hub processes on one port (SO_REUSEPORT: the kernel spreads
    connections over them), and this parent, which restarts a worker that dies and passes
    SIGINT/SIGTERM on to every worker (each then stops gracefully). Workers share nothing but
    the database, so this needs store.backend = "postgres" (commands/serve.py checks)."""
    children: dict[int, int] = {}  # pid -> worker number
    stopping = False

    def start(number: int) -> None:
        pid = os.fork()
        if pid == 0:  # the worker: its own process group, so a terminal's Ctrl-C reaches
            os.setpgid(0, 0)  # it once, through the parent, not twice
            signal.signal(signal.SIGINT, signal.default_int_handler)  # not the parent's
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            code = 1
            try:
                run(cfg, host, port, banner if number == 0 else None, reuse_port=True)
                code = 0
            finally:
                os._exit(code)
        children[pid] = number

    def forward(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in children:
            with contextlib.suppress(ProcessLookupError):  # already gone
                os.kill(pid, signum)

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, forward)
    for number in range(workers):
        start(number)
    log.info("workers started", workers=workers, pids=sorted(children))
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        number = children.pop(pid, -1)
        if number < 0 or stopping:
            continue
        log.warning("worker died; starting another", pid=pid, status=status)
        time.sleep(RESTART_PAUSE_S)
        if not stopping:
            start(number)
    return 0
