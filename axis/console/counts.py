"""The store's exact totals, refreshed in the background (statistics page, /admin/stats, /metrics).

Counting every document, delivery and business status by group walks whole indexes: about a
second on a million documents. Done on every scrape and page view, that would make /metrics and
the statistics page slow and load the store for nothing. So one background task recomputes the
totals every ``console.counts_refresh_s`` and readers take the latest snapshot, which is exact
as of its time (``at``; /metrics exports its age). ``counts_refresh_s = 0`` computes on every
read instead (tests, tiny hubs). docs/decisions.md "Console: totals refreshed in the background".
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime

from axis import logs
from axis.errors import StoreUnavailable
from axis.store.base import Store
from axis.store.console_rows import HubCounts

log = logs.get("axis.console")


@dataclass(frozen=True)
class Snapshot:
    counts: HubCounts
    at: datetime


class Totals:
    def __init__(self, refresh_s: float) -> None:
        self.refresh_s = refresh_s
        self.latest: Snapshot | None = None
        self._lock = asyncio.Lock()

    async def read(self, store: Store) -> Snapshot:
        """The latest snapshot (computed now if there is none yet, or refreshing is off)."""
        if self.latest is None or self.refresh_s <= 0:
            async with self._lock:
                if self.latest is None or self.refresh_s <= 0:
                    await self.refresh(store)
        assert self.latest is not None
        return self.latest

    async def refresh(self, store: Store) -> None:
        at = datetime.now(UTC)
        self.latest = Snapshot(await store.hub_counts(), at)

    async def keep_fresh(self, store: Store) -> None:
        """The background task: a new snapshot every refresh_s (a store outage only skips)."""
        while True:
            with contextlib.suppress(StoreUnavailable):
                async with self._lock:
                    await self.refresh(store)
            await asyncio.sleep(self.refresh_s)
