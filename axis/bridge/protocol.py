"""The delivery-adapter protocol the bridge's upstream adapter implements (docs/tiers.md).

A copy of the shape the queue manager (``axis/delivery/``, another issue) drives its adapters
through, kept here until that lands on main; then this module goes and
``axis/delivery/upstream.py`` imports the real one. Two fields beyond that shape have
defaults: ``from_agency`` (the SDK's ``from`` header when forwarding up is the sending agency,
docs/domain.md §8) and ``accepted_at`` (the hop's TraceHeader timestamp: the same bytes on
every retry, so the upstream's dedupe recognises a resend).
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol


class Outcome(enum.Enum):
    DELIVERED = "delivered"
    TEMPORARY = "temporary"
    PERMANENT = "permanent"


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    detail: str = ""
    retry_after_s: float | None = None


@dataclass(frozen=True)
class Outbound:
    delivery_id: str
    doc_id: str
    agency: str
    route: str
    message_type: str
    attempt: int
    reader: Callable[[], Awaitable[bytes]]
    from_agency: str = ""
    accepted_at: str = ""

    async def read(self) -> bytes:
        return await self.reader()


class Adapter(Protocol):
    name: ClassVar[str]

    @classmethod
    def from_settings(cls, settings: Any) -> Adapter: ...

    async def deliver(self, item: Outbound) -> Result: ...

    async def close(self) -> None: ...
