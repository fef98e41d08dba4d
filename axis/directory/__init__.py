"""The directory: which agencies exist and how each is reached (routing).

Sits between the API/intake and the store. A recipient is served either by a system connected
to this hub (``system_id``) or "through upstream hub X" (``upstream``): the shape the provincial
to national bridging builds on (docs/domain.md §7, a provincial axis keeps the ``To`` entries it
serves and routes the rest up). Bridging itself is a later issue: until it exists the intake's
route stage refuses a package for an agency reachable only upstream (5.5.11, nobody here could
fetch it), and every delivery records its route (``Route.name``, deliveries.route).
"""

from __future__ import annotations

import time
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

    @property
    def name(self) -> str:
        """What a delivery records: the delivering system id ("" while the agency has none
        yet: held until one is assigned), or "upstream:<hub>"."""
        return self.system_id or "" if self.local else f"upstream:{self.upstream}"


# Directory rows are cached this long: CLI edits (another process) show within TTL_S seconds;
# API edits (registerAgency/deleteAgency) invalidate at once.
TTL_S = 5.0
_MAX_CACHED = 200_000


class Directory:
    """Directory look-ups for the request path, over the Store, with a short-lived cache."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._cache: dict[str, tuple[float, AgencyRow | None]] = {}

    async def _rows(self, agency_ids: Sequence[str]) -> dict[str, AgencyRow | None]:
        now = time.monotonic()
        rows: dict[str, AgencyRow | None] = {}
        missing = []
        for agency_id in dict.fromkeys(agency_ids):
            hit = self._cache.get(agency_id)
            if hit is not None and hit[0] > now:
                rows[agency_id] = hit[1]
            else:
                missing.append(agency_id)
        if missing:
            found = await self.store.get_agencies(missing)
            if len(self._cache) > _MAX_CACHED:
                self._cache.clear()
            for agency_id in missing:
                rows[agency_id] = found.get(agency_id)
                self._cache[agency_id] = (now + TTL_S, rows[agency_id])
        return rows

    def forget(self, agency_id: str) -> None:
        self._cache.pop(agency_id, None)

    async def routes(self, agency_ids: Sequence[str]) -> dict[str, Route]:
        """The route of every recipient; Rejected 5.5.1 naming those not in the directory."""
        rows = await self._rows(agency_ids)
        unknown = [a for a, row in rows.items() if row is None]
        if unknown:
            raise Rejected("5.5.1", f"Unknown: {', '.join(unknown)}.")
        return {a: Route(a, row.system_id, row.upstream) for a, row in rows.items() if row}

    async def serves(self, system_id: str, agency_id: str) -> bool:
        """Does this connected system serve this agency (docs/domain.md §7: From = the caller)?"""
        row = (await self._rows([agency_id]))[agency_id]
        return row is not None and row.system_id == system_id

    async def agency(self, agency_id: str) -> AgencyRow | None:
        return (await self._rows([agency_id]))[agency_id]


__all__ = ["Directory", "Route"]
