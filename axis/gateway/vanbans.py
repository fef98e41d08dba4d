"""``vanbans``: the unit's inbox, one package, a send and the transport acknowledgement, over
the same intake pipeline and store as the SDK operations (docs/gateway.md, mapping table).

Delivery states map to the dialect's statuses: queued -> INITIAL, fetched -> PROCESSING,
done -> DONE, fail -> FAIL. ``PUT vanbans/{docId}`` sets PROCESSING (as a fetch does), DONE or
FAIL (updateStatus done / fail); INITIAL is the hub's to set, never a recipient's.
"""

from __future__ import annotations

import base64
import binascii

from aiohttp import web

from axis.api.ops_inbox import STATE_DESC, acknowledge, base64_json, fetch_package, own_delivery
from axis.api.ops_send import MESSAGE_TYPES, check_sender, outcome, run_intake
from axis.config import push_systems
from axis.daemon import Daemon
from axis.errors import Rejected
from axis.gateway.answers import dumps, ok
from axis.gateway.door import json_object, paging, text_field
from axis.store.base import InboxRow

STATUS_OF_STATE = {"queued": "INITIAL", "fetched": "PROCESSING", "done": "DONE", "fail": "FAIL"}
SET_BY_RECIPIENT = ("PROCESSING", "DONE", "FAIL")
# The JSON around a package's base64 in a POST body: type, from and the field names.
ENVELOPE_BYTES = 64 * 1024


def _message_type(value: str) -> str:
    if value.lower() not in MESSAGE_TYPES:
        raise Rejected("5.1.5", f"type must be edoc or status, got {value[:40]!r}.")
    return value.lower()


def inbox_row(row: InboxRow) -> dict[str, str]:
    return {
        "serviceType": "eDoc",
        "messageType": row.message_type,
        "docId": row.delivery_id,
        "from": row.from_agency,
        "to": row.agency,
        "status": STATUS_OF_STATE.get(row.state, row.state.upper()),
        "statusDesc": row.last_error or STATE_DESC.get(row.state, ""),
        "createdTime": row.created_at,
    }


async def inbox(daemon: Daemon, system_id: str, request: web.Request) -> web.Response:
    """GET vanbans[?type=edoc|status&limit=&offset=]: what waits for the system's units."""
    message_type = _message_type(request.query.get("type", "edoc"))
    limit, offset = paging(request)
    if system_id in push_systems(daemon.cfg):  # pushed, never pulled (docs/delivery.md)
        return ok([])
    rows = await daemon.store.list_received(system_id, message_type, limit, offset)
    return ok([inbox_row(row) for row in rows])


async def one(daemon: Daemon, system_id: str, request: web.Request) -> web.StreamResponse:
    """GET vanbans/{docId}: the package's exact bytes in base64 (``data.content``)."""
    row, data = await fetch_package(daemon, system_id, request.match_info["docId"])
    head = (
        '{"status":"OK","errorCode":"0","errorDesc":"","data":{'
        f'"docId":{dumps(row.delivery_id)},"messageType":{dumps(row.message_type)},'
        f'"from":{dumps(row.from_agency)},"to":{dumps(row.agency)},"content":"'
    )
    return await base64_json(request, data, head.encode(), b'"}}')


def send_limit(max_package: int) -> int:
    """POST vanbans' body limit: the largest package in base64 plus the JSON around it."""
    return 4 * (max_package // 3 + 1) + ENVELOPE_BYTES


async def send(daemon: Daemon, system_id: str, request: web.Request) -> web.Response:
    """POST vanbans ``{type, from, content}``: the package through the intake pipeline."""
    max_package = daemon.cfg.intake.max_body_bytes
    body = await json_object(request, send_limit(max_package))
    message_type = _message_type(text_field(body, "type", required=False) or "edoc")
    from_agency = text_field(body, "from")
    await check_sender(daemon, system_id, from_agency)
    try:
        package = base64.b64decode(text_field(body, "content", required=False), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise Rejected("5.1.5", f"content must be the package in base64: {exc}.") from exc
    if len(package) > max_package:
        raise Rejected("5.1.1", f"{len(package)} bytes; the limit is {max_package}.")
    ctx = await run_intake(daemon, system_id, from_agency, message_type, package, request)
    fields = outcome(ctx)
    return ok({"docId": fields["DocId"], "code": fields["code"], "warnings": fields["warnings"]})


async def set_status(daemon: Daemon, system_id: str, request: web.Request) -> web.Response:
    """PUT vanbans/{docId} ``{status, statusDesc}``: the recipient's acknowledgement."""
    delivery_id = request.match_info["docId"]
    body = await json_object(request, ENVELOPE_BYTES)
    status = text_field(body, "status").upper()
    reason = text_field(body, "statusDesc", required=False)
    if status not in SET_BY_RECIPIENT:
        raise Rejected(
            "5.1.5", f"status must be PROCESSING, DONE or FAIL (INITIAL is the hub's), got "
            f"{status[:40]!r}.",
        )  # fmt: skip
    if status == "PROCESSING":
        await _processing(daemon, system_id, delivery_id)
    else:
        await acknowledge(daemon, system_id, delivery_id, status == "DONE", reason)
    return ok({"docId": delivery_id, "status": status})


async def _processing(daemon: Daemon, system_id: str, delivery_id: str) -> None:
    """PROCESSING records what a fetch records (queued -> fetched); after DONE it is 5.1.10."""
    row = await own_delivery(daemon, system_id, delivery_id)
    if row.state == "done":
        raise Rejected("5.1.10", f"docId {delivery_id!r} was acknowledged done.")
    if row.state == "queued":
        await fetch_package(daemon, system_id, delivery_id)  # marks it fetched; bytes unused
