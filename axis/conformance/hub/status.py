"""Business statuses: relayed to the sender, in order, once, recall answered with 15/16
(docs/domain.md §5, docs/business-rules.md)."""

from __future__ import annotations

from axis.conformance import packages
from axis.conformance.evidence import Failed
from axis.conformance.hub.common import Sent, send_delivered
from axis.conformance.registry import case
from axis.conformance.target import Context, Party
from axis.conformance.wire import Reply

CLAUSE = "docs/domain.md §5"


async def _status(ctx: Context, reporter: Party, sent: Sent, code: str) -> tuple[bytes, Reply]:
    data = ctx.signed(reporter, packages.write(packages.status(reporter.agency, sent.pkg, code)))
    return data, await ctx.send(reporter, data, "status")


async def _status_ok(ctx: Context, reporter: Party, sent: Sent, code: str) -> bytes:
    data, reply = await _status(ctx, reporter, sent, code)
    ctx.accepted(reply, f"status {code} from {reporter.agency}", "DocId")
    return data


@case(
    "HUB-STATUS-001",
    "A status from the recipient is relayed to the sender",
    clause=CLAUSE,
    hint="Deliver status packages to the original sender's getReceivedEdocList (messagetype=status), byte-identical.",
)
async def relayed(ctx: Context) -> None:
    sender, recipient, sent, _ = await send_delivered(ctx)
    data = await _status_ok(ctx, recipient, sent, "01")
    await ctx.delivered(sender, data, "status 01 at the sender", "status")


@case(
    "HUB-STATUS-002",
    "The sender's getSentEdocList shows the recipient's latest status",
    clause=CLAUSE,
    severity="should",
    hint="Keep each recipient's latest business status on the sent row (receiveStatus).",
)
async def sent_row_status(ctx: Context) -> None:
    sender, recipient, sent, _ = await send_delivered(ctx)
    await _status_ok(ctx, recipient, sent, "03")
    rows = ctx.accepted(await ctx.client(sender).sent(), "getSentEdocList", "data")["data"]
    row = next((r for r in rows if r.get("senderDocId") == sent.doc_id), None)
    if row is None or row.get("receiveStatus") != "03":
        raise Failed("receiveStatus 03 on the sent row", str(row))


@case(
    "HUB-STATUS-003",
    "The same status twice from the same agency is refused",
    clause=CLAUSE,
    hint="Refuse a repeated status (same reporter, document and code) except 05 (axis: 5.6.6).",
)
async def duplicate(ctx: Context) -> None:
    _, recipient, sent, _ = await send_delivered(ctx)
    await _status_ok(ctx, recipient, sent, "03")
    ctx.refused((await _status(ctx, recipient, sent, "03"))[1], "5.6.6", "status 03 again")


@case(
    "HUB-STATUS-004",
    "Status 05 (processing) may repeat",
    clause=CLAUSE,
    hint="05 may be sent more than once; do not treat it as a duplicate.",
)
async def processing_repeats(ctx: Context) -> None:
    _, recipient, sent, _ = await send_delivered(ctx)
    await _status_ok(ctx, recipient, sent, "05")
    await _status_ok(ctx, recipient, sent, "05")


@case(
    "HUB-STATUS-005",
    "A status out of order (03 after 06) is refused",
    clause=CLAUSE,
    hint="06 and 02 end the flow; enforce the order of docs/business-rules.md (axis: 5.6.7).",
)
async def out_of_order(ctx: Context) -> None:
    _, recipient, sent, _ = await send_delivered(ctx)
    await _status_ok(ctx, recipient, sent, "06")
    ctx.refused((await _status(ctx, recipient, sent, "03"))[1], "5.6.7", "03 after 06")


@case(
    "HUB-STATUS-006",
    "A status from an agency the document was not sent to is refused",
    clause=CLAUSE,
    hint="Only a recipient may report progress on a document (axis: 5.6.5).",
)
async def not_a_recipient(ctx: Context) -> None:
    _, _, sent, _ = await send_delivered(ctx)
    third = ctx.party("third")
    ctx.refused((await _status(ctx, third, sent, "01"))[1], "5.6.5", f"01 from {third.agency}")


@case(
    "HUB-STATUS-007",
    "A recall (13) reaches the recipient, whose answer 15 reaches the sender",
    clause=CLAUSE,
    hint="Relay 13 from the original sender to the recipients, then accept one 15/16 from each and relay it back.",
)
async def recall_answered(ctx: Context) -> None:
    sender, recipient, sent, _ = await send_delivered(ctx)
    recall = await _status_ok(ctx, sender, sent, "13")
    await ctx.delivered(recipient, recall, "the recall at the recipient", "status")
    answer = await _status_ok(ctx, recipient, sent, "15")
    await ctx.delivered(sender, answer, "the 15 at the sender", "status")


@case(
    "HUB-STATUS-008",
    "A recall (13) from someone other than the original sender is refused",
    clause=CLAUSE,
    hint="Only the document's sender may recall it (axis: 5.6.8).",
)
async def recall_not_sender(ctx: Context) -> None:
    _, recipient, sent, _ = await send_delivered(ctx)
    ctx.refused((await _status(ctx, recipient, sent, "13"))[1], "5.6.8", "13 from the recipient")


@case(
    "HUB-STATUS-009",
    "15 without a pending recall or update is refused",
    clause=CLAUSE,
    hint="Accept 15/16 only while a recall, revoke, update or replace awaits the agency's answer (axis: 5.6.9).",
)
async def answer_nothing(ctx: Context) -> None:
    _, recipient, sent, _ = await send_delivered(ctx)
    ctx.refused((await _status(ctx, recipient, sent, "15"))[1], "5.6.9", "15 with nothing pending")


@case(
    "HUB-STATUS-010",
    "A StatusCode outside 01-06, 13, 15, 16 is refused",
    clause=CLAUSE,
    hint="Refuse unknown status codes (axis: 5.4.7).",
)
async def unknown_code(ctx: Context) -> None:
    _, recipient, sent, _ = await send_delivered(ctx)
    ctx.refused((await _status(ctx, recipient, sent, "07"))[1], "5.4.7", "StatusCode 07")


@case(
    "HUB-STATUS-011",
    "A status package sent as messagetype edoc is refused",
    clause="docs/domain.md §6",
    hint="messagetype must match the body (axis: 5.4.12).",
)
async def type_mismatch(ctx: Context) -> None:
    _, recipient, sent, _ = await send_delivered(ctx)
    data = ctx.signed(recipient, packages.write(packages.status(recipient.agency, sent.pkg, "01")))
    ctx.refused(await ctx.send(recipient, data, "edoc"), "5.4.12", "a status as edoc")


@case(
    "HUB-STATUS-012",
    "A status about a document the hub does not know is refused",
    clause=CLAUSE,
    hint="A status must name a document the hub delivered (axis: 5.6.3).",
)
async def unknown_document(ctx: Context) -> None:
    sender, recipient = ctx.party("sender"), ctx.party("recipient")
    ghost = packages.document(sender.agency, (recipient.agency,))
    data = ctx.signed(recipient, packages.write(packages.status(recipient.agency, ghost, "01")))
    ctx.refused(
        await ctx.send(recipient, data, "status"), "5.6.3", "01 about a never-sent document"
    )
