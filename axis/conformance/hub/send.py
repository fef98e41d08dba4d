"""Delivery: a valid package is accepted, listed, fetched byte-identical and acknowledged
(docs/domain.md §6 "Delivery is pull")."""

from __future__ import annotations

from axis.conformance.evidence import Failed
from axis.conformance.hub.common import send_delivered, send_document
from axis.conformance.registry import case
from axis.conformance.target import Context

CLAUSE = "docs/domain.md §6"


@case(
    "HUB-SEND-001",
    "A valid signed package is accepted with a DocId",
    clause=CLAUSE,
    hint='Answer sendEdoc with HTTP 200, status OK, ErrorCode "0" and a non-empty DocId once the package is stored.',
)
async def accepted(ctx: Context) -> None:
    await send_document(ctx, ctx.party("sender"), (ctx.party("recipient"),))


@case(
    "HUB-SEND-002",
    "The recipient lists the package and fetches it byte-identical",
    clause=CLAUSE,
    hint="List every delivery addressed to the caller's agencies (docId, from, to, messageType) and return the exact stored bytes, base64, from getEdoc.",
)
async def listed_and_fetched(ctx: Context) -> None:
    sender, recipient, _, delivery = await send_delivered(ctx)
    rows = ctx.accepted(await ctx.client(recipient).received(), "getReceivedEdocList", "data")
    row = next(r for r in rows["data"] if r.get("docId") == delivery)
    if (row.get("from"), row.get("to"), row.get("messageType")) != (
        sender.agency,
        recipient.agency,
        "edoc",
    ):
        raise Failed(f"row from {sender.agency} to {recipient.agency}, messageType edoc", str(row))


@case(
    "HUB-SEND-003",
    "Acknowledging done removes the delivery from the list",
    clause=CLAUSE,
    hint="updateStatus status=done must answer OK and the delivery must leave getReceivedEdocList.",
)
async def acknowledged(ctx: Context) -> None:
    _, recipient, _sent, delivery = await send_delivered(ctx)
    ctx.accepted(await ctx.client(recipient).acknowledge(delivery), "updateStatus done")
    rows = ctx.accepted(await ctx.client(recipient).received(), "getReceivedEdocList", "data")
    if any(r.get("docId") == delivery for r in rows["data"]):
        raise Failed("the acknowledged delivery gone from the list", f"{delivery} still listed")


@case(
    "HUB-SEND-004",
    "The sender's getSentEdocList shows the document for its recipient",
    clause=CLAUSE,
    hint="getSentEdocList returns one row per recipient with senderDocId = the DocId sendEdoc returned, fromCode and toCode.",
)
async def sent_list(ctx: Context) -> None:
    sender, recipient, sent, _ = await send_delivered(ctx)
    rows = ctx.accepted(await ctx.client(sender).sent(), "getSentEdocList", "data")["data"]
    mine = [r for r in rows if r.get("senderDocId") == sent.doc_id]
    if [(r.get("fromCode"), r.get("toCode")) for r in mine] != [(sender.agency, recipient.agency)]:
        raise Failed(
            f"one row senderDocId={sent.doc_id} from {sender.agency} to {recipient.agency}",
            str(mine or "no such row"),
        )


@case(
    "HUB-SEND-005",
    "countReceiveEdoc counts the deliveries waiting",
    clause=CLAUSE,
    hint="countReceiveEdoc answers OK with count = the number of edoc deliveries not yet acknowledged done.",
)
async def counted(ctx: Context) -> None:
    _, recipient, _, delivery = await send_delivered(ctx)
    client = ctx.client(recipient)
    before = ctx.accepted(await client.count(), "countReceiveEdoc", "count")["count"]
    ctx.accepted(await client.acknowledge(delivery), "updateStatus done")
    after = ctx.accepted(await client.count(), "countReceiveEdoc", "count")["count"]
    if not (isinstance(before, int) and after == before - 1):
        raise Failed("count one lower after acknowledging one delivery", f"{before} then {after}")


@case(
    "HUB-SEND-006",
    "done is final: a later fail on the same delivery is refused",
    clause="docs/domain.md §6",
    severity="should",
    hint="Once a delivery is acknowledged done, refuse updateStatus fail for it (axis: 5.1.10).",
)
async def done_is_final(ctx: Context) -> None:
    _, recipient, _, delivery = await send_delivered(ctx)
    client = ctx.client(recipient)
    ctx.accepted(await client.acknowledge(delivery), "updateStatus done")
    ctx.refused(await client.acknowledge(delivery, "fail"), "5.1.10", "fail after done")


@case(
    "HUB-SEND-007",
    "A fetch repeated after a lost answer returns the same bytes",
    clause=CLAUSE,
    hint="getEdoc must be repeatable until the delivery is acknowledged done.",
)
async def refetch(ctx: Context) -> None:
    _, recipient, sent, delivery = await send_delivered(ctx)
    again = ctx.accepted(await ctx.client(recipient).fetch(delivery), "getEdoc again", "data")
    import base64

    if base64.b64decode(again["data"]) != sent.data:
        raise Failed("the same bytes on a second getEdoc", "different bytes")
