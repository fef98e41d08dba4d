"""Each connected system's share of the hub (docs/security.md, Resource exhaustion).

One system must not be able to stop the hub for the others: beyond the global in-flight limit
(app.py, 4.7.2), every authenticated system gets its own number of requests in flight
(hub.max_in_flight_per_system, then 503 4.7.5) and its own request rate (a token bucket of
hub.requests_per_s_per_system, bursts up to hub.system_burst, then 429 4.7.6). A system
stalling its uploads or flooding the API therefore uses up only its own share.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from axis.config import HubConfig
from axis.errors import AxisError

# Seconds a 4.7.5 / 4.7.6 answer asks the system to wait: its share frees up quickly.
SHARE_RETRY_AFTER_S = 1


@dataclass
class _Bucket:
    tokens: float
    updated: float
    in_flight: int = 0


class SystemShares:
    """Per-system in-flight counters and token buckets, created on a system's first request."""

    def __init__(self, hub: HubConfig, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_in_flight = hub.max_in_flight_per_system
        self.rate = hub.requests_per_s_per_system
        self.burst = float(hub.system_burst)
        self.clock = clock
        self._systems: dict[str, _Bucket] = {}

    @contextmanager
    def admit(self, system_id: str) -> Iterator[None]:
        """Hold one of ``system_id``'s in-flight places for the request, or refuse it."""
        bucket = self._bucket(system_id)
        if bucket.in_flight >= self.max_in_flight:
            raise AxisError("4.7.5", f"{system_id} has {bucket.in_flight} requests in flight.")
        if bucket.tokens < 1.0:
            raise AxisError("4.7.6", f"{system_id}: more than {self.rate:g} requests per second.")
        bucket.tokens -= 1.0
        bucket.in_flight += 1
        try:
            yield
        finally:
            bucket.in_flight -= 1

    def _bucket(self, system_id: str) -> _Bucket:
        now = self.clock()
        bucket = self._systems.get(system_id)
        if bucket is None:
            # Only authenticated (registered) systems get here, so this stays small.
            bucket = self._systems[system_id] = _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        return bucket
