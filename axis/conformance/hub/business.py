"""Business rules at the door: who may send what, duplicates and retries, recipients,
revoke/update of someone else's document, reading someone else's mail (docs/domain.md §7)."""

from __future__ import annotations

from dataclasses import replace

from axis.conformance import packages
from axis.conformance.evidence import Failed
from axis.conformance.hub.common import send_delivered, send_document
from axis.conformance.registry import case
from axis.conformance.target import Context

CLAUSE = "docs/domain.md §7"


@case(
    "HUB-BIZ-001",
    "A new document reusing a DocumentId the sender already used is refused",
    clause=CLAUSE,
    hint="Refuse a BussinessDocType 0 package whose DocumentId this sender already sent (axis: 5.6.2, HTTP 409).",
)
async def duplicate_document(ctx: Context) -> None:
    sender, recipient = ctx.party("sender"), ctx.party("recipient")
    sent = await send_document(ctx, sender, (recipient,))
    again = replace(sent.pkg, subject=sent.pkg.subject + " (bản khác)")
    data = ctx.signed(sender, packages.write(again))
    ctx.refused(await ctx.send(sender, data), "5.6.2", "the same DocumentId, other content")


@case(
    "HUB-BIZ-002",
    "The very same bytes again (a retry after a lost answer) get the original DocId",
    clause=CLAUSE,
    hint="Treat identical bytes from the same sender as an idempotent retry: answer OK with the first DocId, deliver nothing new.",
)
async def retry(ctx: Context) -> None:
    sender, recipient = ctx.party("sender"), ctx.party("recipient")
    sent = await send_document(ctx, sender, (recipient,))
    reply = await ctx.send(sender, sent.data)
    payload = ctx.accepted(reply, "the same bytes again", "DocId")
    if payload["DocId"] != sent.doc_id:
        raise Failed(f"DocId {sent.doc_id} (the original)", reply)


@case(
    "HUB-BIZ-003",
    "A recipient not in the directory is refused",
    clause=CLAUSE,
    hint="Look every To up in the directory; one unknown recipient refuses the package and the error names it (axis: 5.5.1).",
)
async def unknown_recipient(ctx: Context) -> None:
    sender, recipient = ctx.party("sender"), ctx.party("recipient")
    pkg = packages.document(sender.agency, (recipient.agency, "000.00.99.G99"))
    data = ctx.signed(sender, packages.write(pkg))
    reply = await ctx.send(sender, data)
    ctx.refused(reply, "5.5.1", "To 000.00.99.G99")
    await ctx.not_delivered(recipient, data, "a package with an unknown recipient")


@case(
    "HUB-BIZ-004",
    "A package whose From the calling system does not serve is refused",
    clause=CLAUSE,
    hint="From must be an agency the authenticated system serves (axis: 5.8.6, HTTP 403).",
)
async def foreign_sender(ctx: Context) -> None:
    sender, recipient, third = ctx.party("sender"), ctx.party("recipient"), ctx.party("third")
    data = ctx.signed(third, packages.write(packages.document(third.agency, (recipient.agency,))))
    reply = await ctx.client(sender).send(data, third.agency)
    ctx.refused(reply, "5.8.6", f"{sender.system.system_id} sending as {third.agency}")
    await ctx.not_delivered(recipient, data, "a package from a foreign sender")


@case(
    "HUB-BIZ-005",
    "The from header and the package's From must agree",
    clause=CLAUSE,
    hint="Compare XroadVnpt-from with the package's From/OrganId (axis: 5.8.6).",
)
async def from_header_mismatch(ctx: Context) -> None:
    sender, recipient = ctx.party("sender"), ctx.party("recipient")
    others = [a for a in sender.system.agencies if a != sender.agency]
    header_from = others[0] if others else recipient.agency
    data = ctx.signed(sender, packages.write(packages.document(sender.agency, (recipient.agency,))))
    reply = await ctx.client(sender).send(data, header_from)
    ctx.refused(reply, "5.8.6", f"from header {header_from}, package From {sender.agency}")


@case(
    "HUB-BIZ-006",
    "Another system cannot fetch or acknowledge a delivery not addressed to it",
    clause=CLAUSE,
    hint="getEdoc and updateStatus only for deliveries to agencies the caller serves; answer others exactly as an unknown id (axis: 5.1.8, HTTP 404).",
)
async def foreign_reader(ctx: Context) -> None:
    _, _, _, delivery = await send_delivered(ctx)
    third = ctx.client(ctx.party("third", keys=False))
    ctx.refused(await third.fetch(delivery), "5.1.8", "getEdoc of another system's delivery")
    ctx.refused(await third.acknowledge(delivery), "5.1.8", "updateStatus of it")


@case(
    "HUB-BIZ-007",
    "A revoke (BussinessDocType 1) of one's own document reaches its recipient",
    clause=CLAUSE,
    hint="Accept a revoke of the sender's own earlier document and deliver it to the original's recipients.",
)
async def revoke_own(ctx: Context) -> None:
    sender, recipient, sent, _ = await send_delivered(ctx)
    revoke = await send_document(
        ctx, sender, (recipient,), doc_type=1, original=sent.pkg.document_id
    )
    await ctx.delivered(recipient, revoke.data, "the revoke at the recipient")


@case(
    "HUB-BIZ-008",
    "A revoke of a document another agency sent is refused",
    clause=CLAUSE,
    hint="A recall, revoke, update or replace must concern a document the same sender sent (axis: 5.6.4, HTTP 403).",
)
async def revoke_foreign(ctx: Context) -> None:
    _, recipient, sent, _ = await send_delivered(ctx)
    third = ctx.party("third")
    pkg = packages.document(
        third.agency, (recipient.agency,), doc_type=1, original=sent.pkg.document_id
    )
    reply = await ctx.send(third, ctx.signed(third, packages.write(pkg)))
    ctx.refused(reply, "5.6.4", f"{third.agency} revoking {sent.pkg.document_id}")


@case(
    "HUB-BIZ-009",
    "An update (BussinessDocType 2) of an unknown document is refused",
    clause=CLAUSE,
    hint="A change must refer to an earlier document the hub knows (axis: 5.6.3).",
)
async def update_unknown(ctx: Context) -> None:
    sender, recipient = ctx.party("sender"), ctx.party("recipient")
    ghost = f"{sender.agency},{packages.today()},0/NEVER-SENT"
    pkg = packages.document(sender.agency, (recipient.agency,), doc_type=2, original=ghost)
    reply = await ctx.send(sender, ctx.signed(sender, packages.write(pkg)))
    ctx.refused(reply, "5.6.3", f"update of {ghost}")


@case(
    "HUB-BIZ-010",
    "An update is answered with 15 by its recipient",
    clause=CLAUSE,
    severity="should",
    hint="An update leaves a pending change: accept one 15/16 from each recipient.",
)
async def update_answered(ctx: Context) -> None:
    sender, recipient, sent, _ = await send_delivered(ctx)
    await send_document(ctx, sender, (recipient,), doc_type=2, original=sent.pkg.document_id)
    status = packages.status(recipient.agency, sent.pkg, "15")
    reply = await ctx.send(recipient, ctx.signed(recipient, packages.write(status)), "status")
    ctx.accepted(reply, "15 answering the update", "DocId")


@case(
    "HUB-BIZ-011",
    "A package without any recipient is refused",
    clause=CLAUSE,
    hint="Refuse a package that names no To (axis: 5.5.2).",
)
async def no_recipient(ctx: Context) -> None:
    sender = ctx.party("sender")
    data = ctx.signed(sender, packages.write(packages.document(sender.agency, ())))
    ctx.refused(await ctx.send(sender, data), "5.5.2", "no To")


@case(
    "HUB-BIZ-012",
    "getSentEdocList shows a system only its own agencies' documents",
    clause=CLAUSE,
    hint="List sent documents only for agencies the caller serves.",
)
async def sent_list_private(ctx: Context) -> None:
    _, _, sent, _ = await send_delivered(ctx)
    third = ctx.client(ctx.party("third", keys=False))
    rows = ctx.accepted(await third.sent(), "getSentEdocList of a third system", "data")["data"]
    if any(r.get("senderDocId") == sent.doc_id for r in rows):
        raise Failed("no row for another system's document", f"row {sent.doc_id} listed")
