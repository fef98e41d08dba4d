"""Push delivery: the adapter protocol every delivery plug-in implements (docs/delivery.md).

The queue manager (queue.py) decides everything about delivery (when, how many at once,
backoff, circuit, expiry, quarantine); an adapter only hands one delivery on and says how it
went. An adapter:

- is registered by an entry point in the group ``axis.delivery`` (pyproject.toml), its name
  the ``adapter`` of a connected system in ``[delivery.systems."ID"]``;
- builds itself from that table with ``from_settings`` at hub start (and in
  ``axis check-config``), raising ``ConfigError`` naming the bad key;
- ``deliver``s one ``Outbound`` and classifies the result: ``DELIVERED`` only once the other
  side has committed it, ``TEMPORARY`` (try again later; ``retry_after_s`` if the other side
  said when), ``PERMANENT`` (the other side will never take it). It never sleeps or retries
  itself; an exception it raises is an unexpected error and quarantines the delivery;
- ``close``s its connections when the hub stops.

Outbound.read() gives the package's exact stored bytes; Outbound.chunks() reads a large one
piece by piece, so an adapter can stream it in bounded memory.
"""

from __future__ import annotations

import enum
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from axis.store.base import BLOB_CHUNK, BlobReader

ENTRY_POINT_GROUP = "axis.delivery"


class Outcome(enum.Enum):
    DELIVERED = "delivered"
    TEMPORARY = "temporary"
    PERMANENT = "permanent"


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    detail: str = ""
    retry_after_s: float | None = None
    # DELIVERED to another hub (a hub hop, docs/tiers.md): its id; the hop is recorded.
    forwarded_to: str = ""


async def _nothing() -> bytes:
    return b""


@dataclass(frozen=True)
class Outbound:
    """One delivery to hand on: the recipient ``agency``, reached through ``route`` (the
    connected system), ``attempt`` counting from 1."""

    delivery_id: str
    doc_id: str
    agency: str
    route: str
    message_type: str
    attempt: int
    size: int = 0
    # hex SHA-256 of the package as received (its dedupe key); a package that came through
    # another hub is stored with this hub's TraceHeader added, so an adapter that needs the
    # hash of what it sends computes it (http_push.py does).
    sha256: str = ""
    from_agency: str = ""  # the sending agency (an adapter forwarding by SDK needs it)
    accepted_at: str = ""  # when the hub accepted the package (ISO-8601 UTC)
    source: Callable[[], Awaitable[bytes | BlobReader]] = field(
        default=_nothing, repr=False, compare=False
    )

    async def read(self) -> bytes:
        """The whole package (fine for the usual few hundred KB)."""
        found = await self.source()
        if isinstance(found, bytes):
            return found
        return b"".join([piece async for piece in found.chunks()])

    async def chunks(self, chunk: int = BLOB_CHUNK) -> AsyncIterator[bytes]:
        """The package in pieces of at most ``chunk`` bytes: bounded memory for large ones."""
        found = await self.source()
        if isinstance(found, bytes):
            for start in range(0, len(found), chunk):
                yield found[start : start + chunk]
            return
        async for piece in found.chunks(chunk):
            yield piece


@dataclass(frozen=True)
class HopSettings:
    """An adapter that hands packages to another hub (upstream, hub-push) exposes these as
    ``hop``: the queue manager then drives its endpoint with a hub hop's Policy (queue.py)."""

    max_in_flight: int
    lease_s: float
    retry_max_s: float


class Adapter(Protocol):
    name: ClassVar[str]

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Adapter: ...

    async def deliver(self, item: Outbound) -> Result: ...

    async def close(self) -> None: ...


__all__ = ["ENTRY_POINT_GROUP", "Adapter", "HopSettings", "Outbound", "Outcome", "Result"]
