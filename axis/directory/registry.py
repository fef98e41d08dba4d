"""Who may register or delete which agency over the SDK (registerAgency / deleteAgency).

The door to the directory, which decides where documents are delivered, so every rule refuses
with its own code (docs/decisions.md "registerAgency"):
- ids are VVV.ZZ.YY.L## in ASCII only (5.5.8): no lookalike letters, other scripts' digits,
  NUL, zero-width characters or path strings ever reach the directory;
- ``pcode`` is the caller's own system id (a top-level agency of that system, docs/domain.md §6
  fact 5) or an agency the caller serves (5.5.6 unknown, 5.8.8 someone else's); another
  system's id is 5.8.8;
- the new id's unit (L##: the province or central body) must be one the caller already serves,
  and under a parent agency the parent's unit (5.8.10), unless directory.register_scope = any;
- an id another system deleted with document history is never handed to a new owner (5.5.10);
- an agency with documents waiting for it cannot be deleted (5.5.9).
"""

from __future__ import annotations

import re

from axis.config import Config
from axis.errors import Rejected
from axis.store.base import AgencyRow, Store

AGENCY_ID = re.compile(r"\d{3}\.\d{2}\.\d{2}\.[A-K]\d{2}", re.ASCII)
SYSTEM_ID = re.compile(r"\d{2}\.\d{2}\.[A-Z]\d{2}", re.ASCII)


def unit(agency_id: str) -> str:
    """The level-1 code (L##) of a valid agency id: the province or central body it belongs to."""
    return agency_id[-3:]


def check_agency_id(value: str, field: str) -> str:
    """``value`` if it is a strict agency id, else 5.5.8 naming the field (shown escaped)."""
    if not AGENCY_ID.fullmatch(value):
        raise Rejected("5.5.8", f"{field} {value!a}.")
    return value


async def parent_of(store: Store, caller: str, pcode: str) -> AgencyRow | None:
    """The parent agency named by ``pcode``; None for a top-level agency of the caller."""
    if pcode in ("", caller):
        return None
    if SYSTEM_ID.fullmatch(pcode):
        raise Rejected("5.8.8", f"pcode {pcode} is another system; use your own ({caller}).")
    check_agency_id(pcode, "pcode")
    parent = await store.get_agency(pcode)
    if parent is None:
        raise Rejected("5.5.6", f"pcode {pcode!r}.")
    if parent.system_id != caller:
        raise Rejected("5.8.8", f"Parent {pcode} is not served by {caller}.")
    return parent


async def check_registration(cfg: Config, store: Store, caller: str, row: AgencyRow) -> AgencyRow:
    """The row to store for ``caller``'s registration of ``row``, or the precise refusal."""
    check_agency_id(row.id, "id")
    if row.code and row.code != row.id:
        raise Rejected("5.5.8", f"id {row.id} and code {row.code!a} differ.")
    parent = await parent_of(store, caller, row.pid)
    if cfg.directory.register_scope == "own-units":
        if parent is not None:
            allowed = {unit(parent.id)}
        else:
            allowed = {
                unit(a.id) for a in await store.list_agencies(caller) if AGENCY_ID.fullmatch(a.id)
            }
        if unit(row.id) not in allowed:
            units = ", ".join(sorted(allowed)) or "none"
            raise Rejected(
                "5.8.10", f"{row.id} is unit {unit(row.id)}; {caller} may register {units}."
            )
    owner = await store.retired_owner(row.id)
    if owner is not None and owner != caller:
        raise Rejected("5.5.10", f"{row.id}.")
    pid = parent.id if parent is not None else ""
    return AgencyRow(
        **{**row.__dict__, "pid": pid, "code": row.id, "system_id": caller, "upstream": None}
    )


async def delete(store: Store, caller: str, agency_id: str) -> None:
    """Delete (retire) ``caller``'s agency, or the precise refusal."""
    check_agency_id(agency_id, "id")
    row = await store.get_agency(agency_id)
    if row is None:
        raise Rejected("5.5.5", f"{agency_id}.")
    if row.system_id != caller:
        raise Rejected("5.8.8", f"{agency_id} is not served by {caller}.")
    waiting = await store.retire_agency(agency_id, caller)
    if waiting:
        raise Rejected("5.5.9", f"{agency_id}: {waiting} waiting.")
