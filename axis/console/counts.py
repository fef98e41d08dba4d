"""The store's exact totals, refreshed in the background (statistics page, /admin/stats, /metrics).

Counting every document, delivery and business status by group walks whole indexes: about a
second on a million documents. Done on every scrape and page view, that would make /metrics and
the statistics page slow and load the store for nothing. So one background task recomputes the
totals every ``console.counts_refresh_s`` (from the first read on) and readers take the latest
snapshot, which is exact
as of its time (``at``; /metrics exports its age). ``counts_refresh_s = 0`` computes on every
read instead (tests, tiny hubs). docs/decisions.md "Console: totals refreshed in the background".
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from axis import logs
from axis.daemon import Daemon
from axis.errors import StoreUnavailable
from axis.store.base import Store
from axis.store.console_rows import DayCount, HubCounts

log = logs.get("axis.console")


DAYS = 30  # the statistics page's daily series


@dataclass(frozen=True)
class Snapshot:
    counts: HubCounts
    per_day: dict[str, list[DayCount]]  # edoc, status, refused: the last DAYS days (UTC)
    at: datetime


class Totals:
    def __init__(self, refresh_s: float) -> None:
        self.refresh_s = refresh_s
        self.latest: Snapshot | None = None
        self._lock = asyncio.Lock()

    async def read(self, daemon: Daemon) -> Snapshot:
        """The latest snapshot. The first read counts now and starts the background recount
        (a hub nobody looks at does not recount); with refreshing off, every read counts."""
        if self.latest is None or self.refresh_s <= 0:
            async with self._lock:
                if self.latest is None or self.refresh_s <= 0:
                    first = self.latest is None
                    await self.refresh(daemon.store)
                    if first and self.refresh_s > 0:
                        daemon.spawn("console-totals", lambda: self.keep_fresh(daemon.store))
        assert self.latest is not None
        return self.latest

    async def refresh(self, store: Store) -> None:
        at = datetime.now(UTC)
        since = (at - timedelta(days=DAYS)).date().isoformat()
        per_day = {
            "edoc": await store.documents_per_day("edoc", since),
            "status": await store.documents_per_day("status", since),
            "refused": await store.refusals_per_day(since),
        }
        self.latest = Snapshot(await store.hub_counts(), per_day, at)

    async def keep_fresh(self, store: Store) -> None:
        """The background task: a new snapshot every refresh_s (a store outage only skips)."""
        while True:
            await asyncio.sleep(self.refresh_s)
            with contextlib.suppress(StoreUnavailable):
                async with self._lock:
                    await self.refresh(store)
