"""/getAgenciesList, /registerAgency, /deleteAgency: the directory over the SDK protocol.

A system registers and deletes agencies only under itself: ``pcode`` is its own system id (a
top-level agency) or an agency it serves; ids are strict and ASCII; the rules and their codes
are in axis/directory/registry.py.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from axis import logs
from axis.api.auth import Caller
from axis.api.body import read_limited
from axis.api.bounded import Unbounded, json_loads
from axis.api.ops_inbox import _paging
from axis.api.responses import ok
from axis.daemon import Daemon
from axis.directory import registry
from axis.directory.importer import to_row
from axis.errors import Rejected
from axis.store.base import AgencyRow

log = logs.get("axis.api")
JSON_LIMIT = 64 * 1024


async def json_body(request: web.Request) -> dict[str, Any]:
    raw = await read_limited(request, JSON_LIMIT)
    try:
        body = json_loads(raw or b"{}", JSON_LIMIT)
    except Unbounded as exc:
        raise Rejected("5.1.5", f"The body must be a JSON object: {exc}.") from exc
    if not isinstance(body, dict):
        raise Rejected("5.1.5", "The body must be a JSON object.")
    return body


def _agency_json(row: AgencyRow) -> dict[str, str]:
    return {"id": row.id, "pid": row.pid, "code": row.code, "name": row.name, "mail": row.mail}


async def agencies_list(daemon: Daemon, caller: Caller, request: web.Request) -> web.Response:
    limit, offset = _paging(caller)
    rows = await daemon.store.list_agencies(None, limit, offset)
    return ok(data=[_agency_json(row) for row in rows])


def _exact_ids(body: dict[str, Any]) -> None:
    """id, code and pcode exactly as sent (to_row strips whitespace; ids get no such grace)."""
    for key in ("id", "code", "pcode"):
        value = body.get(key)
        if value not in (None, "") and (not isinstance(value, str) or value != value.strip()):
            raise Rejected("5.5.8", f"{key} {value!a}.")


async def register_agency(daemon: Daemon, caller: Caller, request: web.Request) -> web.Response:
    return ok(id=await register(daemon, caller.system_id, await json_body(request)))


async def register(daemon: Daemon, system_id: str, body: dict[str, Any]) -> str:
    """Register the agency ``body`` describes under ``system_id`` (every door registers here:
    the rules and codes of axis/directory/registry.py); returns its id."""
    _exact_ids(body)
    row = to_row({**body, "system_id": None, "upstream": None}, where="registerAgency body")
    new = await registry.check_registration(daemon.cfg, daemon.store, system_id, row)
    daemon.directory.forget(row.id)
    if not await daemon.store.add_agency(new):
        raise Rejected("5.5.4", f"{row.id}.")
    log.info("agency registered", agency=row.id, system=system_id)
    return row.id


async def delete_agency(daemon: Daemon, caller: Caller, request: web.Request) -> web.Response:
    body = await json_body(request)
    agency_id = str(body.get("id") or body.get("code") or caller.params.get("id") or "")
    if not agency_id:
        raise Rejected("5.1.4", 'The body must name the agency: {"id": ...}.')
    await unregister(daemon, caller.system_id, agency_id)
    return ok(id=agency_id)


async def unregister(daemon: Daemon, system_id: str, agency_id: str) -> None:
    """Delete (retire) one of ``system_id``'s agencies (every door deletes here)."""
    await registry.delete(daemon.store, system_id, agency_id)
    daemon.directory.forget(agency_id)
    log.info("agency deleted", agency=agency_id, system=system_id)
