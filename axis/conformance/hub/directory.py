"""The directory: agency ids (docs/domain.md §2) and how provincial systems register their
units (docs/domain.md §8)."""

from __future__ import annotations

import re

from axis.conformance import packages
from axis.conformance.evidence import Failed
from axis.conformance.hub.common import new_unit_id, register_fresh
from axis.conformance.registry import case
from axis.conformance.target import Context, Party

AGENCY_ID = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-K]\d{2}$")


def _agency(agency_id: str, pcode: str) -> dict[str, str]:
    return {"id": "", "pcode": pcode, "code": agency_id, "name": "Đơn vị kiểm thử",
            "mail": "", "mobile": "", "fax": ""}  # fmt: skip


@case(
    "HUB-DIR-001",
    "getAgenciesList lists the directory with id, pid, code, name, mail",
    clause="docs/domain.md §2",
    hint="Answer getAgenciesList with every agency: id, pid (parent), code, name, mail.",
)
async def listed(ctx: Context) -> None:
    sender, recipient = ctx.party("sender", keys=False), ctx.party("recipient", keys=False)
    rows = ctx.accepted(await ctx.client(sender).agencies(), "getAgenciesList", "data")["data"]
    incomplete = [r for r in rows if not {"id", "pid", "code", "name", "mail"} <= set(r)]
    ids = {r.get("id") for r in rows}
    if incomplete or not {sender.agency, recipient.agency} <= ids:
        raise Failed(
            f"rows with id, pid, code, name, mail, including {sender.agency} and {recipient.agency}",
            str(incomplete[:1] or f"{len(rows)} rows"),
        )


@case(
    "HUB-DIR-002",
    "Directory ids follow VVV.ZZ.YY.L## (Circular 10/2016)",
    clause="docs/domain.md §2",
    severity="should",
    hint="Keep agency ids in the regular form; real directories carry a few that are not, flag them.",
)
async def regular_ids(ctx: Context) -> None:
    rows = ctx.accepted(
        await ctx.client(ctx.party("sender", keys=False)).agencies(), "getAgenciesList", "data"
    )["data"]
    odd = [r.get("id") for r in rows if not AGENCY_ID.match(str(r.get("id", "")))]
    if odd:
        raise Failed("every id VVV.ZZ.YY.L##", f"{len(odd)} irregular, e.g. {odd[:3]}")


@case(
    "HUB-DIR-003",
    "A province registers a unit under its own system, sees it, deletes it",
    clause="docs/domain.md §8",
    hint="registerAgency with pcode = the caller's system id registers a top-level agency of that system; deleteAgency removes it.",
)
async def register_delete(ctx: Context) -> None:
    sender = ctx.party("sender", keys=False)
    client, pcode = ctx.client(sender), sender.system.system_id
    agency_id = await register_fresh(
        ctx, sender, lambda new: client.register(_agency(new, pcode)), "registerAgency"
    )
    rows = ctx.accepted(await client.agencies(), "getAgenciesList", "data")["data"]
    if agency_id not in {r.get("id") for r in rows}:
        raise Failed(f"{agency_id} listed after registering", "not listed")
    ctx.accepted(await client.unregister(agency_id), "deleteAgency")
    rows = ctx.accepted(await client.agencies(), "getAgenciesList", "data")["data"]
    if agency_id in {r.get("id") for r in rows}:
        raise Failed(f"{agency_id} gone after deleting", "still listed")


@case(
    "HUB-DIR-004",
    "A malformed agency id is refused at registration",
    clause="docs/domain.md §2",
    hint="Register only ASCII VVV.ZZ.YY.L## ids (axis: 5.5.8).",
)
async def malformed_id(ctx: Context) -> None:
    sender = ctx.party("sender", keys=False)
    reply = await ctx.client(sender).register(_agency("28.22.H17", sender.system.system_id))
    ctx.refused(reply, "5.5.8", "registering 28.22.H17")


@case(
    "HUB-DIR-005",
    "A system cannot register a unit under another system's agency",
    clause="docs/domain.md §8",
    hint="pcode must be the caller's system id or an agency it serves (axis: 5.8.8, HTTP 403).",
)
async def foreign_parent(ctx: Context) -> None:
    sender, recipient = ctx.party("sender", keys=False), ctx.party("recipient", keys=False)
    reply = await ctx.client(sender).register(_agency(new_unit_id(sender), recipient.agency))
    ctx.refused(reply, "5.8.8", f"pcode {recipient.agency} of another system")


@case(
    "HUB-DIR-006",
    "A system cannot delete another system's agency",
    clause="docs/domain.md §8",
    hint="deleteAgency only for agencies the caller serves (axis: 5.8.8, HTTP 403).",
)
async def foreign_delete(ctx: Context) -> None:
    sender, recipient = ctx.party("sender", keys=False), ctx.party("recipient", keys=False)
    reply = await ctx.client(sender).unregister(recipient.agency)
    ctx.refused(reply, "5.8.8", f"deleting {recipient.agency}")


@case(
    "HUB-DIR-007",
    "A document to a newly registered unit reaches the system that registered it",
    clause="docs/domain.md §8",
    hint="Route to an agency through the system that registered it, from the moment it is registered.",
)
async def route_to_new_unit(ctx: Context) -> None:
    sender, recipient = ctx.party("sender"), ctx.party("recipient", keys=False)
    home = ctx.client(recipient)
    pcode = recipient.system.system_id
    agency_id = await register_fresh(
        ctx, recipient, lambda new: home.register(_agency(new, pcode)), "registerAgency"
    )
    unit = Party(recipient.system, agency_id, None)
    data = ctx.signed(sender, packages.write(packages.document(sender.agency, (agency_id,))))
    await ctx.send_ok(sender, data, f"sendEdoc to {agency_id}")
    doc_id = await ctx.delivered(unit, data, f"the document at {agency_id}")
    ctx.accepted(await home.acknowledge(doc_id), "updateStatus done")
    ctx.accepted(await home.unregister(agency_id), "deleteAgency (clean-up)")
