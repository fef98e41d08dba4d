"""The directory: which agencies exist and how each is reached (routing).

Sits between the API/intake and the store. A recipient is served either by a system connected
to this hub (``system_id``) or "through upstream hub X" (``upstream``): the shape the provincial
to national bridging builds on (DOMAIN.md §7, a provincial axis keeps the ``To`` entries it
serves and routes the rest up). Bridging itself is a later issue: today an upstream route is
recorded and the delivery waits in the store like any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from axis.errors import Rejected
from axis.store.base import AgencyRow, Store


@dataclass(frozen=True)
class Route:
    """How one recipient is reached: a local system, an upstream hub, or (neither) held here."""

    agency: str
    system_id: str | None
    upstream: str | None

    @property
    def local(self) -> bool:
        return self.upstream is None


class Directory:
    """Directory look-ups for the request path, over the Store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def routes(self, agency_ids: Sequence[str]) -> dict[str, Route]:
        """The route of every recipient; Rejected 5.5.1 naming those not in the directory."""
        found = await self.store.get_agencies(agency_ids)
        unknown = [a for a in dict.fromkeys(agency_ids) if a not in found]
        if unknown:
            raise Rejected("5.5.1", f"Unknown: {', '.join(unknown)}.")
        return {a: Route(a, row.system_id, row.upstream) for a, row in found.items()}

    async def serves(self, system_id: str, agency_id: str) -> bool:
        """Does this connected system serve this agency (DOMAIN.md §7: From = the caller)?"""
        row = await self.store.get_agency(agency_id)
        return row is not None and row.system_id == system_id

    async def agency(self, agency_id: str) -> AgencyRow | None:
        return await self.store.get_agency(agency_id)


__all__ = ["Directory", "Route"]
