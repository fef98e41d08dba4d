"""Package signatures: a real XMLDSig is verified in full (docs/domain.md §4)."""

from __future__ import annotations

import base64
import re

from axis.conformance import packages
from axis.conformance.registry import case
from axis.conformance.target import Context

CLAUSE = "docs/domain.md §4"


async def _signed(ctx: Context) -> tuple[bytes, bytes]:
    """(unsigned, signed) bytes of a fresh document from the sender to the recipient."""
    sender, recipient = ctx.party("sender"), ctx.party("recipient")
    data = packages.write(packages.document(sender.agency, (recipient.agency,)))
    return data, ctx.signed(sender, data)


async def _refused(ctx: Context, data: bytes, code: str, what: str) -> None:
    sender, recipient = ctx.party("sender"), ctx.party("recipient")
    ctx.refused(await ctx.send(sender, data), code, what)
    await ctx.not_delivered(recipient, data, what)


@case(
    "HUB-SIG-001",
    "Content changed after signing is refused",
    clause=CLAUSE,
    hint="Verify the XMLDSig reference digest over the whole package and refuse a mismatch (axis: 5.3.2).",
)
async def tampered(ctx: Context) -> None:
    _, signed = await _signed(ctx)
    await _refused(ctx, packages.tamper(signed), "5.3.2", "subject changed after signing")


@case(
    "HUB-SIG-002",
    "A SignatureValue that does not verify is refused",
    clause=CLAUSE,
    hint="Verify the SignatureValue with the certificate's key (axis: 5.3.3).",
)
async def bad_value(ctx: Context) -> None:
    _, signed = await _signed(ctx)
    match = re.search(rb"<(?:\w+:)?SignatureValue[^>]*>([^<]+)<", signed)
    assert match, "the kit's signer wrote no SignatureValue"
    value = bytearray(base64.b64decode(match.group(1)))
    value[len(value) // 2] ^= 0x01
    forged = signed.replace(match.group(1), base64.b64encode(bytes(value)), 1)
    await _refused(ctx, forged, "5.3.3", "one bit of the SignatureValue flipped")


@case(
    "HUB-SIG-003",
    "A package signed by another agency's key is refused (wrong signer)",
    clause=CLAUSE,
    hint="The signer's certificate must identify the sending agency (From) (axis: 5.3.13).",
)
async def wrong_signer(ctx: Context) -> None:
    sender, recipient, third = ctx.party("sender"), ctx.party("recipient"), ctx.party("third")
    data = packages.write(packages.document(sender.agency, (recipient.agency,)))
    await _refused(
        ctx,
        ctx.signed(third, data),
        "5.3.13",
        f"{sender.agency}'s package signed by {third.agency}",
    )


@case(
    "HUB-SIG-004",
    "Two signatures in one package are refused",
    clause=CLAUSE,
    severity="should",
    hint="Accept exactly one enveloped signature over the whole package (axis: 5.3.7).",
)
async def two_signatures(ctx: Context) -> None:
    _, signed = await _signed(ctx)
    match = re.search(rb"<(\w+:)?Signature[ >].*?</(\w+:)?Signature>", signed, re.S)
    assert match, "the kit's signer wrote no Signature"
    doubled = signed.replace(match.group(0), match.group(0) * 2, 1)
    await _refused(ctx, doubled, "5.3.7", "the Signature element twice")
