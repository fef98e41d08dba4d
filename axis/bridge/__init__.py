"""The bridge: a provincial (or lower) hub's link to its upstream hub (docs/tiers.md).

Runs as daemon background tasks (Daemon.spawn) on a hub whose config has [upstream] url:
- ``bridge-down``: pulls what the upstream holds for this hub's agencies (inbound.py);
- ``bridge-sync``: keeps the directory in step with the upstream (sync.py).
Forwarding up is not a loop of its own: deliveries routed ``upstream:<name>`` are push
deliveries of the one queue manager (axis/delivery/queue.py, through the ``upstream`` adapter,
axis/delivery/upstream.py). When the upstream pushes down instead (its ``hub-push`` adapter),
``POST /bridge/push`` takes the package (receive.py); the pull loop then finds nothing.
Each loop survives an unreachable upstream (it logs, backs off and retries); nothing it has
accepted is lost because everything it owes is in the store.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import aiohttp

from adapters.vxp.client import VxpClient, VxpError
from axis import logs
from axis.bridge.inbound import Inbox
from axis.bridge.sync import sync_once
from axis.config import UpstreamConfig
from axis.directory import UPSTREAM_PREFIX
from axis.errors import AxisError

if TYPE_CHECKING:
    from axis.daemon import Daemon

log = logs.get("axis.bridge")


def start(daemon: Daemon) -> None:
    """Spawn the bridge's loops on ``daemon`` (a hub with [upstream] url)."""
    cfg = daemon.cfg

    async def down() -> None:
        async with aiohttp.ClientSession() as session:
            client = _client(cfg.upstream, session)
            inbox = Inbox(daemon.pipeline, client, UPSTREAM_PREFIX + cfg.upstream.name, cfg.hub_id)
            await _every(cfg.upstream.poll_interval_s, cfg.upstream.retry_max_s, inbox.pass_once)

    async def sync() -> None:
        async with aiohttp.ClientSession() as session:
            client = _client(cfg.upstream, session)

            async def once() -> int:
                result = await sync_once(daemon.store, daemon.directory, client, cfg.upstream.name)
                log.info("directory synced", registered=result.registered, learned=result.learned)
                return 0

            await _every(cfg.upstream.sync_interval_s, cfg.upstream.retry_max_s, once)

    daemon.spawn("bridge-down", down)
    daemon.spawn("bridge-sync", sync)


def _client(up: UpstreamConfig, session: aiohttp.ClientSession) -> VxpClient:
    return VxpClient(up.url, up.system_id, up.secret, session=session)


async def _every(period_s: float, retry_max_s: float, step: Callable[[], Awaitable[int]]) -> None:
    """Run ``step`` every period_s (again at once while it finds work); on failure back off."""
    backoff = min(period_s, 1.0)
    while True:
        try:
            found = await step()
            backoff = min(period_s, 1.0)
            await asyncio.sleep(0 if found else period_s)
        except (VxpError, AxisError, OSError) as error:
            log.warning("bridge: upstream pass failed", error=str(error), retry_in_s=backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, retry_max_s)
