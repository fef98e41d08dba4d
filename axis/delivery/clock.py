"""Time for the queue manager: the system clock, or a manual one tests and simulations move.

Everything the queue manager decides by time (due, backoff, expiry, circuit) reads ``now()``
(epoch seconds); it waits with ``sleep``. A ManualClock never waits: a test advances it, so an
hour of backoff takes no wall time.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float: ...
    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class ManualClock:
    """Starts at the real time (the store's acceptance times are real); moves only by advance()."""

    def __init__(self, start: float | None = None) -> None:
        self.current = time.time() if start is None else start

    def now(self) -> float:
        return self.current

    def advance(self, seconds: float) -> None:
        self.current += seconds

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(0)  # let others run; simulated time moves only by advance()


def iso(moment: float) -> str:
    """Epoch seconds in the store's time format (ISO-8601 UTC, milliseconds)."""
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="milliseconds")


def epoch(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()
