"""Steps several hub cases share: a document sent and delivered, the parties' roles."""

from __future__ import annotations

from dataclasses import dataclass

from axis.conformance import packages
from axis.conformance.target import Context, Party
from axis.edxml.model import DocumentPackage


@dataclass(frozen=True)
class Sent:
    pkg: DocumentPackage
    data: bytes
    doc_id: str  # what sendEdoc answered


async def send_document(
    ctx: Context,
    sender: Party,
    recipients: tuple[Party, ...],
    *,
    doc_type: int = 0,
    original: str = "",
) -> Sent:
    agencies = tuple(r.agency for r in recipients)
    pkg = packages.document(sender.agency, agencies, doc_type=doc_type, original=original)
    data = ctx.signed(sender, packages.write(pkg))
    doc_id = await ctx.send_ok(sender, data, "sendEdoc of a valid signed document")
    return Sent(pkg, data, doc_id)


async def send_delivered(ctx: Context) -> tuple[Party, Party, Sent, str]:
    """sender -> recipient, listed and fetched by the recipient: (sender, recipient, sent, docId)."""
    sender, recipient = ctx.party("sender"), ctx.party("recipient")
    sent = await send_document(ctx, sender, (recipient,))
    delivery = await ctx.delivered(recipient, sent.data, "delivery")
    return sender, recipient, sent, delivery
