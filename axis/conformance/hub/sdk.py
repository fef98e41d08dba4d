"""The real SDK's ten recorded request shapes, replayed with the kit's values: the hub must
accept their framing (docs/domain.md §6). Header order, spelling, ``Expect: 100-continue`` and
the CRLF after a sendEdoc file are the SDK's; timestamps, HMACs, ids and bodies are fresh."""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from axis.conformance import packages
from axis.conformance.evidence import Failed
from axis.conformance.hub.common import register_fresh, send_document
from axis.conformance.hub.sdk_recorded import RECORDED
from axis.conformance.registry import CaseFunc, case
from axis.conformance.target import Context, Party
from axis.conformance.wire import PREFIX, Reply, hash_file, hmac_hex, raw_exchange

CLAUSE = "docs/domain.md §6"


def render(ctx: Context, name: str, party: Party, values: dict[str, str], body: bytes) -> bytes:
    """The recorded head with the kit's parameter values, a fresh timestamp and its HMAC."""
    lines = RECORDED[name].rstrip("\r\n").split("\r\n")
    request_line, headers = lines[0], [line.split(": ", 1) for line in lines[1:]]
    url = urlsplit(ctx.endpoint)
    fresh = {
        "systemid": party.system.system_id,
        "timestamp": ctx.client(party).fresh_timestamp(),
        **values,
    }
    rendered = {}
    for header, value in headers:
        param = header.removeprefix(PREFIX) if header.startswith(PREFIX) else None
        if param in fresh:
            value = fresh[param]
        elif header == "Host":
            value = url.netloc
        elif header == "Content-Length":
            value = str(len(body))
        rendered[header] = value
    keys = rendered[PREFIX + "sign-header-key"].split(";")
    signed = {PREFIX + key: rendered[PREFIX + key] for key in keys}
    sign_header = json.dumps(signed, separators=(",", ":"), ensure_ascii=False)
    rendered[PREFIX + "sign-header"] = sign_header
    rendered[PREFIX + "hash-header"] = hmac_hex(party.system.secret, sign_header)
    request_line = request_line.replace(" /", f" {url.path.rstrip('/')}/", 1)
    head = [request_line] + [f"{header}: {value}" for header, value in rendered.items()]
    return ("\r\n".join(head) + "\r\n\r\n").encode()


async def replay(
    ctx: Context, name: str, party: Party, values: dict[str, str] | None = None, body: bytes = b""
) -> Reply:
    head = render(ctx, name, party, values or {}, body)
    expects = b"\r\nExpect: 100-continue\r\n" in head
    answer = await raw_exchange(ctx.endpoint, head, body, wait_continue=expects)
    if expects and not answer.continued:
        ctx.deviations.append(f"{name}: no '100 Continue' before the body (the SDK waits for it)")
    return Reply.of(name.split("-", 1)[1], answer.http, answer.body)


async def _waiting_for_sender(ctx: Context) -> tuple[Party, Party, bytes, str]:
    """A document from the recipient to the sender, not yet fetched: (sender, recipient, bytes,
    the sender's docId for it)."""
    sender, recipient = ctx.party("sender"), ctx.party("recipient")
    sent = await send_document(ctx, recipient, (sender,))
    rows = ctx.accepted(await ctx.client(sender).received(), "getReceivedEdocList", "data")["data"]
    candidates = [r["docId"] for r in rows if r.get("from") == recipient.agency]
    if not candidates:
        raise Failed(f"a delivery from {recipient.agency} listed", "none listed")
    return sender, recipient, sent.data, str(candidates[-1])


def _sdk_case(number: int, title: str, hint: str) -> Callable[[CaseFunc], CaseFunc]:
    return case(f"HUB-SDK-{number:03d}", title, clause=CLAUSE, hint=hint)


@_sdk_case(
    1,
    "Recorded getAgenciesList shape: answered with the directory",
    "Answer the SDK's getAgenciesList (no parameters, empty body) with data rows of id, pid, code, name, mail.",
)
async def agencies(ctx: Context) -> None:
    sender = ctx.party("sender", keys=False)
    rows = ctx.accepted(await replay(ctx, "01-getAgenciesList", sender), "getAgenciesList", "data")
    if sender.agency not in {r.get("id") for r in rows["data"]}:
        raise Failed(f"{sender.agency} among the rows", f"{len(rows['data'])} rows without it")


@_sdk_case(
    2,
    "Recorded sendEdoc (edoc) shape: file + CRLF accepted, the file delivered",
    "Accept the SDK's sendEdoc exactly as framed: file + CRLF, unpadded hash-file over the file, headers in its order.",
)
async def send_edoc(ctx: Context) -> None:
    sender, recipient = ctx.party("sender"), ctx.party("recipient")
    data = ctx.signed(sender, packages.write(packages.document(sender.agency, (recipient.agency,))))
    values = {"from": sender.agency, "hash-file": hash_file(data)}
    reply = await replay(ctx, "02-sendEdoc", sender, values, data + b"\r\n")
    if not ctx.accepted(reply, "sendEdoc (SDK shape)", "DocId")["DocId"]:
        raise Failed("a non-empty DocId", reply)
    await ctx.delivered(recipient, data, "the file, without the CRLF")


@_sdk_case(
    3,
    "Recorded sendEdoc (status) shape: a status accepted",
    "Accept the SDK's status sendEdoc (messagetype status) framed like an edoc.",
)
async def send_status(ctx: Context) -> None:
    sender, recipient = ctx.party("sender"), ctx.party("recipient")
    original = await send_document(ctx, recipient, (sender,))
    report = packages.status(sender.agency, original.pkg, "01")
    data = ctx.signed(sender, packages.write(report))
    values = {"from": sender.agency, "hash-file": hash_file(data)}
    reply = await replay(ctx, "03-sendEdoc", sender, values, data + b"\r\n")
    ctx.accepted(reply, "status sendEdoc (SDK shape)", "DocId")
    await ctx.delivered(recipient, data, "the status at the original sender", "status")


@_sdk_case(
    4,
    "Recorded getReceivedEdocList (edoc) shape: the inbox",
    "Answer the SDK's list call with data rows of docId, from, to, messageType, status.",
)
async def inbox(ctx: Context) -> None:
    sender, _recipient, _, doc_id = await _waiting_for_sender(ctx)
    rows = ctx.accepted(await replay(ctx, "04-getReceivedEdocList", sender), "inbox", "data")
    if doc_id not in {r.get("docId") for r in rows["data"]}:
        raise Failed(f"docId {doc_id} listed", f"{len(rows['data'])} rows without it")


@_sdk_case(
    5,
    "Recorded getReceivedEdocList (status) shape: the status inbox",
    "Answer messagetype=status with the status deliveries (possibly none) as data rows.",
)
async def status_inbox(ctx: Context) -> None:
    sender = ctx.party("sender", keys=False)
    rows = ctx.accepted(await replay(ctx, "05-getReceivedEdocList", sender), "status inbox", "data")
    if not isinstance(rows["data"], list):
        raise Failed("data: a list", str(rows["data"])[:200])


@_sdk_case(
    6,
    "Recorded getEdoc shape (Expect: 100-continue): the package, base64",
    "Honour Expect: 100-continue, read docId (filePath is the client's folder: ignore it) and return the stored bytes in data.",
)
async def get_edoc(ctx: Context) -> None:
    sender, _, data, doc_id = await _waiting_for_sender(ctx)
    reply = await replay(ctx, "06-getEdoc", sender, {"docId": doc_id}, b"{}")
    got = ctx.accepted(reply, "getEdoc (SDK shape)", "data")
    if base64.b64decode(got["data"]) != data:
        raise Failed("the bytes that were sent", "other bytes")


@_sdk_case(
    7,
    "Recorded updateStatus shape (docid in lower case): acknowledged",
    "Read the lower-case docid header of updateStatus and acknowledge the delivery.",
)
async def update_status(ctx: Context) -> None:
    sender, _, _, doc_id = await _waiting_for_sender(ctx)
    await ctx.client(sender).fetch(doc_id)
    reply = await replay(ctx, "07-updateStatus", sender, {"docid": doc_id, "status": "done"}, b"{}")
    ctx.accepted(reply, "updateStatus (SDK shape)")
    rows = ctx.accepted(await ctx.client(sender).received(), "getReceivedEdocList", "data")["data"]
    if doc_id in {r.get("docId") for r in rows}:
        raise Failed("the acknowledged delivery gone from the list", f"{doc_id} still listed")


@_sdk_case(
    8,
    "Recorded getSentEdocList shape: the sent list",
    "Answer getSentEdocList with one row per recipient (senderDocId, fromCode, toCode, ...).",
)
async def sent_list(ctx: Context) -> None:
    sender = ctx.party("sender", keys=False)
    rows = ctx.accepted(await replay(ctx, "08-getSentEdocList", sender), "sent list", "data")
    if not isinstance(rows["data"], list):
        raise Failed("data: a list", str(rows["data"])[:200])


@_sdk_case(
    9,
    "Recorded countReceiveEdoc shape (Expect: 100-continue): a count",
    "Answer countReceiveEdoc with an integer count.",
)
async def count(ctx: Context) -> None:
    sender = ctx.party("sender", keys=False)
    reply = await replay(ctx, "09-countReceiveEdoc", sender, body=b"{}")
    if not isinstance(ctx.accepted(reply, "countReceiveEdoc", "count")["count"], int):
        raise Failed("count: an integer", reply)


@_sdk_case(
    10,
    "Recorded registerAgency shape: pcode = the caller's own system id",
    "Accept registerAgency whose pcode is the caller's system id (a top-level agency of that system).",
)
async def register(ctx: Context) -> None:
    sender = ctx.party("sender", keys=False)

    def shaped(agency_id: str) -> Awaitable[Reply]:
        body = json.dumps(
            {
                "id": "",
                "pcode": sender.system.system_id,
                "code": agency_id,
                "name": "UBND xã kiểm thử",
                "mail": "",
                "mobile": "",
                "fax": "",
            }
        ).encode()
        return replay(ctx, "10-registerAgency", sender, body=body)

    agency_id = await register_fresh(ctx, sender, shaped, "registerAgency")
    ctx.accepted(await ctx.client(sender).unregister(agency_id), "deleteAgency (clean-up)")
