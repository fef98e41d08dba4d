"""Delivery by pull and the sender's view (docs/domain.md §6).

/getReceivedEdocList, /countReceiveEdoc, /countReceiveStatus, /getEdoc, /updateStatus list,
count, fetch and acknowledge deliveries addressed to agencies the caller serves (any other is
answered as unknown, 5.1.8); /getSentEdocList shows, per recipient of what the caller's
agencies sent, the transport
state and the latest business status. Optional paging headers XroadVnpt-limit / -offset.
"""

from __future__ import annotations

import base64
import json

from aiohttp import web

from axis import logs
from axis.api.auth import Caller
from axis.api.bounded import Unbounded, ascii_int
from axis.api.responses import ok
from axis.config import push_systems
from axis.daemon import Daemon
from axis.errors import Rejected
from axis.eventlog import kinds
from axis.eventlog.event import Event
from axis.intake.statuses import NAMES
from axis.store.base import BlobReader, InboxRow, SentRow

log = logs.get("axis.api")
STATE_DESC = {
    "queued": "Waiting to be fetched",
    "fetched": "Fetched, not yet acknowledged",
    "done": "Received (acknowledged done)",
    "fail": "The recipient reported a failure",
    "expired": "Not delivered within the delivery lifetime (docs/delivery.md)",
}
# getSentEdocList without paging headers: the newest rows only (the list grows forever).
SENT_DEFAULT_LIMIT = 1000
# getEdoc: documents up to this size are answered in one piece (the hot path), larger ones are
# streamed from the store in chunks.
INLINE_UP_TO = 1 << 20
# Largest paging value: SQLite integers are 64-bit, and no list is ever this long.
MAX_PAGING = 2**31 - 1


def _paging(caller: Caller, default: int | None = None) -> tuple[int | None, int]:
    """XroadVnpt-limit / -offset: ASCII digits up to MAX_PAGING each (docs/security.md)."""
    try:
        limit = _bounded(caller, "limit")
        offset = _bounded(caller, "offset")
    except Unbounded as exc:
        raise Rejected(
            "5.1.5", f"XroadVnpt-limit and -offset must be 0..{MAX_PAGING} in ASCII digits: {exc}."
        ) from exc
    return (default if limit is None else limit), (offset or 0)


def _bounded(caller: Caller, name: str) -> int | None:
    text = caller.params.get(name, "")
    return ascii_int(text, MAX_PAGING) if text else None


def _message_type(caller: Caller, default: str) -> str:
    value = (caller.params.get("messagetype") or default).lower()
    if value not in ("edoc", "status"):
        raise Rejected("5.1.5", f"XroadVnpt-messagetype must be edoc or status, got {value!r}.")
    return value


def _inbox_row(row: InboxRow) -> dict[str, str]:
    return {
        "docId": row.delivery_id,
        "serviceType": "eDoc",
        "messageType": row.message_type,
        "created_time": row.created_at,
        "updated_time": row.updated_at,
        "from": row.from_agency,
        "to": row.agency,
        "status": row.state,
        "status_desc": row.last_error or STATE_DESC.get(row.state, ""),
    }


def _pushed(daemon: Daemon, caller: Caller) -> bool:
    """A push-routed system's deliveries never show in its pull inbox (docs/delivery.md)."""
    return caller.system_id in push_systems(daemon.cfg)


async def received_list(daemon: Daemon, caller: Caller, request: web.Request) -> web.Response:
    limit, offset = _paging(caller)
    if _pushed(daemon, caller):
        return ok(data=[])
    rows = await daemon.store.list_received(
        caller.system_id, _message_type(caller, "edoc"), limit, offset
    )
    return ok(data=[_inbox_row(row) for row in rows])


async def count_edoc(daemon: Daemon, caller: Caller, request: web.Request) -> web.Response:
    if _pushed(daemon, caller):
        return ok(count=0)
    return ok(count=await daemon.store.count_received(caller.system_id, "edoc"))


async def count_status(daemon: Daemon, caller: Caller, request: web.Request) -> web.Response:
    if _pushed(daemon, caller):
        return ok(count=0)
    return ok(count=await daemon.store.count_received(caller.system_id, "status"))


async def own_delivery(daemon: Daemon, system_id: str, delivery_id: str) -> InboxRow:
    """The caller's delivery; someone else's gets the very answer of a missing one (5.1.8),
    so a stranger cannot learn which ids exist (docs/security.md)."""
    row = await daemon.store.get_delivery(delivery_id)
    if row is None or row.agency_system != system_id:
        raise Rejected("5.1.8", f"docId {delivery_id!r}.")
    return row


async def fetch_package(
    daemon: Daemon, system_id: str, delivery_id: str
) -> tuple[InboxRow, bytes | BlobReader]:
    """One delivery's package for its recipient (marks it fetched); every door fetches here.
    Ownership and bytes in one store read: someone else's delivery is answered as a missing
    one (5.1.8, as own_delivery) and is not marked fetched."""
    found = await daemon.store.fetch_delivery(delivery_id, system_id, INLINE_UP_TO)
    if found is None:
        raise Rejected("5.1.8", f"docId {delivery_id!r}.")
    row, data = found
    if row.state == "queued":
        log.info("fetched", doc_id=row.doc_id, delivery_id=row.delivery_id,
                 sender=row.from_agency, recipient=row.agency)  # fmt: skip
    return row, data


async def get_edoc(daemon: Daemon, caller: Caller, request: web.Request) -> web.StreamResponse:
    row, data = await fetch_package(daemon, caller.system_id, caller.param("docId"))
    head, tail = _edoc_json_frame(row.delivery_id)
    return await base64_json(request, data, head, tail)


def _edoc_json_frame(delivery_id: str) -> tuple[bytes, bytes]:
    """The getEdoc answer, ok(data=..., docId=...), around its base64."""
    head = b'{"status":"OK","ErrorCode":"0","ErrorDesc":"","data":"'
    return head, ('","docId":' + json.dumps(delivery_id) + "}").encode()


async def base64_json(
    request: web.Request, data: bytes | BlobReader, head: bytes, tail: bytes
) -> web.StreamResponse:
    """A JSON answer ``head`` + base64 of the package + ``tail``, written by hand because base64
    needs no JSON escaping, and json.dumps of a package-sized string costs more than the base64
    itself (measured: ~10% of the hub's CPU at 136 KB). A large package (a BlobReader) is
    written in base64 chunks as the blob is read: never one bytes object, nor one base64
    string, in the hub's memory."""
    if isinstance(data, bytes):
        body = b"".join((head, base64.b64encode(data), tail))
        return web.Response(body=body, content_type="application/json", charset="utf-8")
    response = web.StreamResponse(headers={"Content-Type": "application/json; charset=utf-8"})
    response.content_length = len(head) + 4 * ((data.size + 2) // 3) + len(tail)
    await response.prepare(request)
    await response.write(head)
    async for chunk in data.chunks():  # chunks are multiples of 3 bytes but the last
        await response.write(base64.b64encode(chunk))
    await response.write(tail)
    await response.write_eof()
    return response


async def update_status(daemon: Daemon, caller: Caller, request: web.Request) -> web.Response:
    delivery_id = caller.params.get("docid") or caller.param("docId")
    status = caller.param("status").lower()
    if status not in ("done", "fail"):
        raise Rejected("5.1.5", f"XroadVnpt-status must be done or fail, got {status!r}.")
    error = caller.params.get("error", "") if status == "fail" else ""
    changed = await acknowledge(daemon, caller.system_id, delivery_id, status == "done", error)
    forwarded = caller.params.get("forwarded", "")  # a hub that pulled it: its DocId there
    if changed and status == "done" and forwarded:
        await record_forwarded(daemon, caller.system_id, delivery_id, forwarded)
    return ok()


async def record_forwarded(daemon: Daemon, hub: str, delivery_id: str, hub_doc_id: str) -> None:
    """A lower hub pulled the delivery and committed it: the hop, as the push down records it
    (docs/tiers.md)."""
    row = await own_delivery(daemon, hub, delivery_id)
    detail = f"forwarded to {hub} (DocId {hub_doc_id[:100]} there)"
    event = Event(kinds.FORWARDED, doc_id=row.doc_id, delivery_id=row.delivery_id,
                  agency=row.agency, system_id=hub, actor=kinds.actor_system(hub), detail=detail)  # fmt: skip
    await daemon.store.record_event(event)


async def acknowledge(
    daemon: Daemon, system_id: str, delivery_id: str, done: bool, error: str = ""
) -> bool:
    """The recipient's transport acknowledgement (every door acknowledges here): done is final
    and a repeated done is idempotent; a fail after done is 5.1.10."""
    # The ownership check and the acknowledgement in one store call (one round trip on
    # PostgreSQL); someone else's delivery is answered as a missing one, as own_delivery.
    acked = await daemon.store.acknowledge_own(delivery_id, system_id, done, error)
    if acked is None:
        raise Rejected("5.1.8", f"docId {delivery_id!r}.")
    row, changed = acked
    if not changed and not done:
        raise Rejected("5.1.10", f"docId {row.delivery_id!r} was acknowledged done.")
    if changed:
        log.info("acked" if done else "ack failed", doc_id=row.doc_id,
                 delivery_id=row.delivery_id, sender=row.from_agency, recipient=row.agency)  # fmt: skip
    return changed


def _sent_row(row: SentRow) -> dict[str, str]:
    received = row.updated_at if row.state in ("fetched", "done") else ""
    return {
        "senderDocId": row.doc_id,
        "receiverDocId": row.delivery_id,
        "fromCode": row.from_agency,
        "toCode": row.agency,
        "sendStatus": row.state,
        "sendStatusDesc": row.last_error or STATE_DESC.get(row.state, ""),
        "receiveStatus": row.biz_status,
        "receiveStatusDesc": NAMES.get(row.biz_status, ""),
        "receiveStatusTime": row.biz_status_at,
        "sentTime": row.created_at,
        "receivedTime": received,
        "title": row.subject,
        "notation": row.notation,
    }


async def sent_list(daemon: Daemon, caller: Caller, request: web.Request) -> web.Response:
    limit, offset = _paging(caller, SENT_DEFAULT_LIMIT)
    rows = await daemon.store.list_sent(caller.system_id, limit, offset)
    return ok(data=[_sent_row(row) for row in rows])
