"""Volume and fan-out: one document to many agencies, many documents at once, none lost
(docs/domain.md §1: about 37 recipients per package on average; fan-out is the normal case)."""

from __future__ import annotations

import asyncio

from axis.conformance import packages
from axis.conformance.evidence import Failed
from axis.conformance.registry import case
from axis.conformance.target import Context, Party

CLAUSE = "docs/domain.md §1"
BURST = 20


@case(
    "HUB-VOL-001",
    "Fan-out: one package to every agency of two other systems is delivered to each",
    clause=CLAUSE,
    hint="Create one delivery per (package, recipient) and list each to the system serving it.",
)
async def fan_out(ctx: Context) -> None:
    sender = ctx.party("sender")
    systems = [ctx.party("recipient", keys=False).system, ctx.party("third", keys=False).system]
    recipients = [Party(s, a, None) for s in systems for a in s.agencies]
    pkg = packages.document(sender.agency, tuple(r.agency for r in recipients))
    data = ctx.signed(sender, packages.write(pkg))
    await ctx.send_ok(sender, data, f"sendEdoc to {len(recipients)} agencies")
    missing = [r.agency for r in recipients if await ctx.find(r, data) is None]
    if missing:
        raise Failed(f"{len(recipients)} deliveries", f"missing for {', '.join(missing)}")


@case(
    "HUB-VOL-002",
    f"A burst of {BURST} concurrent packages: every one accepted once and delivered",
    clause=CLAUSE,
    hint="Accept concurrent sends without loss or duplication: distinct DocIds, one delivery each.",
)
async def burst(ctx: Context) -> None:
    sender, recipient = ctx.party("sender"), ctx.party("recipient")
    datas = [
        ctx.signed(sender, packages.write(packages.document(sender.agency, (recipient.agency,))))
        for _ in range(BURST)
    ]
    doc_ids = await asyncio.gather(
        *(ctx.send_ok(sender, data, "sendEdoc in a burst") for data in datas)
    )
    if len(set(doc_ids)) != BURST:
        raise Failed(f"{BURST} distinct DocIds", f"{len(set(doc_ids))} distinct")
    missing = [i for i, data in enumerate(datas) if await ctx.find(recipient, data) is None]
    if missing:
        raise Failed(f"{BURST} deliveries", f"{len(missing)} missing")
