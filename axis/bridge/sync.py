"""Directory sync with the upstream hub (docs/tiers.md "Directory sync").

At start and every upstream.sync_interval_s: register upstream every agency served here that
the upstream does not list yet (registerAgency, pcode = this hub's system id there for a
top-level agency, else its parent), then copy the upstream's list (getAgenciesList) into the
local directory as "reached through upstream <name>", leaving the agencies served here as they
are. A change upstream therefore reaches this hub within one sync period. The import is the
store's one-transaction bulk import (120,000 agencies in about a second).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adapters.vxp.client import VxpClient, VxpError
from axis import logs
from axis.directory import Directory
from axis.store.base import AgencyRow, Store

log = logs.get("axis.bridge")


@dataclass(frozen=True)
class SyncResult:
    registered: int
    learned: int


async def sync_once(
    store: Store, directory: Directory, client: VxpClient, upstream: str
) -> SyncResult:
    listed = await client.agencies()
    known_upstream = {str(entry.get("id", "")) for entry in listed}
    served_here = {row.id: row for row in await store.list_agencies() if row.system_id}
    registered = 0
    for row in served_here.values():
        if row.id in known_upstream:
            continue
        try:
            await client.call("registerAgency", {}, _register_body(row, client.system_id))
            registered += 1
        except VxpError as error:  # one refusal must not stop the others; it is logged
            log.warning("sync: registerAgency refused", agency=row.id, error=str(error))
    learned = [
        _learned(entry, upstream) for entry in listed if str(entry.get("id", "")) not in served_here
    ]
    await store.import_agencies(row for row in learned if row.id)
    for row in learned:
        directory.forget(row.id)
    return SyncResult(registered, len(learned))


def _register_body(row: AgencyRow, own_system: str) -> bytes:
    import json

    body = {"id": row.id, "code": row.id, "pcode": row.pid or own_system, "name": row.name}
    if row.mail:
        body["mail"] = row.mail
    return json.dumps(body, ensure_ascii=False).encode()


def _learned(entry: dict[str, Any], upstream: str) -> AgencyRow:
    text = {k: str(entry.get(k) or "") for k in ("id", "pid", "code", "name", "mail")}
    return AgencyRow(**text, system_id=None, upstream=upstream)
