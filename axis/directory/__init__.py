"""The directory: which agencies exist and how each is reached (routing, docs/tiers.md).

Sits between the API/intake and the store. A recipient is served either by a system connected
to this hub (``system_id``; on the national hub that system may itself be a provincial hub) or
"through upstream hub X" (``upstream``): a provincial axis keeps the ``To`` entries it serves
and routes the rest up (docs/domain.md §8). Every delivery records its route (``Route.name``,
deliveries.route). Tiers are not counted anywhere: an agency's parent chain (``pid``) and who
serves it are directory data, so the 2019 four-tier map and the 2025 two-level map route alike.
A retired agency (docs/domain.md §8, the 2025 reorganisation) is replaced by its successors.
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
    retired_for: str = ""  # this agency replaces the retired one named here

    @property
    def local(self) -> bool:
        return self.upstream is None

    @property
    def name(self) -> str:
        """What a delivery records: the delivering system id ("" while the agency has none
        yet: held until one is assigned), or "upstream:<hub>"."""
        return self.system_id or "" if self.local else f"{UPSTREAM_PREFIX}{self.upstream}"


UPSTREAM_PREFIX = "upstream:"
# A successor may itself be retired later (a second reorganisation); chains stop here.
_MAX_SUCCESSION = 8


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
        """The route of every recipient, keyed by the agency served: a retired one is replaced
        by its successors (Route.retired_for names it). Rejected 5.5.1 naming those not in the
        directory, 5.5.15 naming retired ones without a successor."""
        rows = await self._rows(agency_ids)
        routes = {a: Route(a, row.system_id, row.upstream) for a, row in rows.items() if row}
        missing = [a for a, row in rows.items() if row is None]
        successors = await self.successors(missing)
        unknown = [a for a in missing if a not in successors]
        if unknown:
            raise Rejected("5.5.1", f"Unknown: {', '.join(unknown)}.")
        orphans = [a for a, heirs in successors.items() if not heirs]
        if orphans:
            raise Rejected("5.5.15", f"Retired: {', '.join(orphans)}.")
        heirs = await self._rows([h for hs in successors.values() for h in hs])
        for retired, names in successors.items():
            for heir in names:
                row = heirs[heir]
                if row is not None and heir not in routes:
                    routes[heir] = Route(heir, row.system_id, row.upstream, retired_for=retired)
        return routes

    async def successors(self, agency_ids: Sequence[str]) -> dict[str, list[str]]:
        """Retired agencies among ``agency_ids`` -> their current successors (followed through
        later retirements); [] = retired with no successor. Agencies never retired are absent."""
        found = await self.store.successors_of(agency_ids) if agency_ids else {}
        result: dict[str, list[str]] = {}
        for retired, direct in found.items():
            current, seen = list(direct), {retired}
            for _ in range(_MAX_SUCCESSION):
                later = await self.store.successors_of([a for a in current if a not in seen])
                if not later:
                    break
                seen.update(later)
                current = [h for a in current for h in (later.get(a, [a]))]
            result[retired] = list(dict.fromkeys(current))
        return result

    async def serves(self, system_id: str, agency_id: str) -> bool:
        """Does this connected system serve this agency (docs/domain.md §7: From = the caller)?"""
        row = (await self._rows([agency_id]))[agency_id]
        return row is not None and row.system_id == system_id

    async def agency(self, agency_id: str) -> AgencyRow | None:
        return (await self._rows([agency_id]))[agency_id]


__all__ = ["UPSTREAM_PREFIX", "Directory", "Route"]
