"""Steps several hub cases share: a document sent and delivered, the parties' roles, a unit
registered under a fresh id."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from axis.conformance import packages
from axis.conformance.evidence import Failed
from axis.conformance.target import Context, Party
from axis.conformance.wire import Reply
from axis.edxml.model import DocumentPackage

# Fresh ids drawn before a registration case gives up (each taken id costs one request).
REGISTER_ATTEMPTS = 8


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


def new_unit_id(party: Party) -> str:
    """A commune-level id in the party's unit (docs/domain.md §2 tiers), drawn at random."""
    unit = party.agency.rsplit(".", 1)[1]
    return f"000.{random.randint(10, 99):02d}.{random.randint(90, 99)}.{unit}"


def taken(reply: Reply) -> bool:
    """The hub says the id is not free: registered already (axis: 5.5.4) or kept for the system
    that deleted it with document history (5.5.10); HTTP 409 for any hub."""
    return reply.error_code in ("5.5.4", "5.5.10") or reply.http == 409


async def register_fresh(
    ctx: Context, party: Party, register: Callable[[str], Awaitable[Reply]], what: str
) -> str:
    """Register a new unit under ``party``'s unit and return its id. Ids are drawn at random
    and earlier runs of the kit leave some taken for good (a unit HUB-DIR-007 sent a document
    to is kept for its system once deleted, docs/domain.md §8; a run stopped before its
    clean-up leaves one registered): a taken id is replaced by a fresh one, never sent again;
    any other answer is judged."""
    for _ in range(REGISTER_ATTEMPTS):
        agency_id = new_unit_id(party)
        reply = await register(agency_id)
        if not taken(reply):
            ctx.accepted(reply, what)
            return agency_id
    raise Failed(
        f"{what}: one of {REGISTER_ATTEMPTS} fresh ids accepted",
        f"every id already registered; last {reply.error_code} (HTTP {reply.http})",
    )
