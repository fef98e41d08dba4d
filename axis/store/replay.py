"""The in-memory replay cache of a single SQLite hub (PostgreSQL keeps a shared table instead).

Part of axis/store: ``Store.first_use`` records each request's verified hash-header (auth.py,
5.8.4). One process on SQLite, so memory is enough; a restart forgets the last window's
requests (docs/decisions.md), which a shared PostgreSQL table does not.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from axis.errors import Rejected


class ReplayCache:
    """hash-header values seen within the timestamp window.

    Kept compactly, because its size is the request rate times twice the window: the first 16
    bytes of each HMAC (about 60 bytes a request, not ~250 for a string in a dict), in sets of
    BUCKET_S seconds each, dropped whole once older than twice the window.
    """

    BUCKET_S = 10.0

    def __init__(self, window_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.keep_s = 2 * window_s  # a timestamp may be up to one window old or ahead
        self.clock = clock
        self._buckets: deque[tuple[float, set[bytes]]] = deque()

    def first_use(self, key: str) -> bool:
        """Record ``key`` (the verified HMAC, 64 hex digits); False if seen within keep_s."""
        now = self.clock()
        while self._buckets and self._buckets[0][0] + self.BUCKET_S <= now - self.keep_s:
            self._buckets.popleft()
        digest = bytes.fromhex(key)[:16]
        if any(digest in seen for _, seen in self._buckets):
            return False
        if not self._buckets or self._buckets[-1][0] + self.BUCKET_S <= now:
            self._buckets.append((now, set()))
        self._buckets[-1][1].add(digest)
        return True

    def check_and_add(self, key: str) -> None:
        if not self.first_use(key):
            raise Rejected("5.8.4")

    def __len__(self) -> int:
        return sum(len(seen) for _, seen in self._buckets)
