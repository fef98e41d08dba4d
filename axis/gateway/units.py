"""``donvilienthongs``: the directory in the gateway dialect, over the SDK door's rules
(registerAgency / deleteAgency: axis/directory/registry.py, same codes).

A unit is ``{code, pcode, name, email, fax, mobile}`` (docs/domain.md §8); ``pcode`` is the
parent agency, or the system's own id for a top-level unit.
"""

from __future__ import annotations

import re

from aiohttp import web

from axis.api.ops_directory import JSON_LIMIT, register, unregister
from axis.daemon import Daemon
from axis.errors import Rejected
from axis.gateway.answers import ok
from axis.gateway.door import json_object, paging, text_field
from axis.store.base import AgencyRow

UNIT_CODE = re.compile(r"[A-K]\d{2}", re.ASCII)  # the L## of an agency id (docs/domain.md §2)


def unit_json(row: AgencyRow) -> dict[str, str]:
    return {
        "code": row.id,
        "pcode": row.pid,
        "name": row.name,
        "email": row.mail,
        "fax": row.fax,
        "mobile": row.mobile,
    }


async def national(daemon: Daemon, system_id: str, request: web.Request) -> web.Response:
    """GET donvilienthongs[?limit=&offset=]: the whole directory, by code."""
    limit, offset = paging(request)
    rows = await daemon.store.list_agencies(None, limit, offset)
    return ok([unit_json(row) for row in rows])


async def province(daemon: Daemon, system_id: str, request: web.Request) -> web.Response:
    """GET donvilienthongs/{province}: one province's units (``qn`` or its L##, e.g. H47)."""
    name = request.match_info["province"]
    provinces = daemon.cfg.gateway.provinces
    unit = provinces.get(name.lower()) or (name.upper() if UNIT_CODE.fullmatch(name) else "")
    if not unit:
        known = ", ".join(sorted(provinces)) or "none"
        raise Rejected("5.1.5", f"Province {name[:40]!a}: use a unit code (L##) or {known}.")
    limit, offset = paging(request)
    rows = await daemon.store.list_unit_agencies(unit, limit, offset)
    return ok([unit_json(row) for row in rows])


async def add(daemon: Daemon, system_id: str, request: web.Request) -> web.Response:
    """POST donvilienthongs ``{code, pcode, name, email, fax, mobile}``: register a unit."""
    body = await json_object(request, JSON_LIMIT)
    text_field(body, "code")
    body.pop("id", None)  # the dialect names a unit by code only
    agency_id = await register(daemon, system_id, body)
    return ok({"code": agency_id})


async def remove(daemon: Daemon, system_id: str, request: web.Request) -> web.Response:
    """PUT donvilienthongs ``{code}``: unregister one of the system's units."""
    body = await json_object(request, JSON_LIMIT)
    agency_id = text_field(body, "code")
    await unregister(daemon, system_id, agency_id)
    return ok({"code": agency_id})
