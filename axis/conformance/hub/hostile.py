"""Hostile and broken XML: refused without resolving or loading anything, and with a precise
code (docs/domain.md §3: "Parsing never resolves entities or loads anything")."""

from __future__ import annotations

from axis.conformance import packages
from axis.conformance.evidence import Failed
from axis.conformance.registry import case
from axis.conformance.target import Context

CLAUSE = "docs/domain.md §3"
DECL = b'<?xml version="1.0" encoding="UTF-8"?>\n'


async def _document(ctx: Context) -> bytes:
    sender, recipient = ctx.party("sender", keys=False), ctx.party("recipient", keys=False)
    return packages.write(packages.document(sender.agency, (recipient.agency,)))


async def _refused(ctx: Context, data: bytes, code: str, what: str) -> None:
    sender, recipient = ctx.party("sender", keys=False), ctx.party("recipient", keys=False)
    reply = await ctx.send(sender, data)
    ctx.refused(reply, code, what)
    if b"root:" in reply.body:
        raise Failed(f"{what}: nothing from the hub's files in the answer", reply)
    await ctx.not_delivered(recipient, data, what)


def _with_doctype(data: bytes, doctype: bytes) -> bytes:
    return data.replace(DECL, DECL + doctype, 1)


@case(
    "HUB-XML-001",
    "A package with a DOCTYPE is refused",
    clause=CLAUSE,
    hint="Find a DOCTYPE on the raw bytes and refuse it before parsing (axis: 5.2.2).",
)
async def doctype(ctx: Context) -> None:
    data = _with_doctype(await _document(ctx), b"<!DOCTYPE edXML>\n")
    await _refused(ctx, data, "5.2.2", "a DOCTYPE")


@case(
    "HUB-XML-002",
    "An entity-expansion bomb is refused",
    clause=CLAUSE,
    hint="Never expand entities: refuse the DOCTYPE that declares them (axis: 5.2.2).",
)
async def billion_laughs(ctx: Context) -> None:
    entities = "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)
    )
    bomb = f'<!DOCTYPE edXML [<!ENTITY a "aaaaaaaaaa">{entities}]>\n'.encode()
    data = _with_doctype(await _document(ctx), bomb)
    data = data.replace(b"<edXML:Content>", b"<edXML:Content>&i;", 1)
    await _refused(ctx, data, "5.2.2", "nested entities")


@case(
    "HUB-XML-003",
    "An external entity (file:///etc/passwd) is refused and never read",
    clause=CLAUSE,
    hint="Never resolve external entities or load DTDs; refuse the DOCTYPE (axis: 5.2.2).",
)
async def external_entity(ctx: Context) -> None:
    doctype = b'<!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    data = _with_doctype(await _document(ctx), doctype)
    data = data.replace(b"<edXML:Content>", b"<edXML:Content>&x;", 1)
    await _refused(ctx, data, "5.2.2", "an external entity")


@case(
    "HUB-XML-004",
    "A UTF-32 package is refused",
    clause=CLAUSE,
    hint="Accept UTF-8 only and refuse other encodings with a precise code (axis: 5.2.6).",
)
async def utf32(ctx: Context) -> None:
    text = (await _document(ctx)).decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-32"')
    await _refused(ctx, text.encode("utf-32"), "5.2.6", "UTF-32 with a BOM")


@case(
    "HUB-XML-005",
    "A package that is not well-formed is refused",
    clause=CLAUSE,
    hint="Refuse malformed XML with the line and column (axis: 5.2.1).",
)
async def malformed(ctx: Context) -> None:
    data = (await _document(ctx)).replace(b"</edXML:Subject>", b"</edXML:Subjekt>", 1)
    await _refused(ctx, data, "5.2.1", "a mismatched end tag")


@case(
    "HUB-XML-006",
    "A root other than edXML in the QCVN 102 namespace is refused",
    clause="QCVN 102:2016 (docs/domain.md §3)",
    hint="The root must be edXML in http://www.mic.gov.vn/TBT/QCVN_102_2016 (axis: 5.2.7).",
)
async def wrong_root(ctx: Context) -> None:
    data = (await _document(ctx)).replace(
        b'xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"', b'xmlns="urn:not-edxml"', 1
    )
    await _refused(ctx, data, "5.2.7", "root in another namespace")


@case(
    "HUB-XML-007",
    "An XInclude is refused, never followed",
    clause=CLAUSE,
    hint="Never process XInclude; refuse it (axis: 5.2.9).",
)
async def xinclude(ctx: Context) -> None:
    include = (
        b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"'
        b' parse="text"/>'
    )
    data = (await _document(ctx)).replace(b"<edXML:Content>", b"<edXML:Content>" + include, 1)
    await _refused(ctx, data, "5.2.9", "an XInclude in Content")


@case(
    "HUB-XML-008",
    "A package that breaks the edXML schema is refused with the path",
    clause="QCVN 102:2016 (docs/domain.md §3)",
    hint="Validate against the edXML schema and name the path, what was expected and what was found (axis: 5.4.1).",
)
async def schema(ctx: Context) -> None:
    data = (await _document(ctx)).replace(
        b"<edXML:Subject>", b"<edXML:Unheard>x</edXML:Unheard><edXML:Subject>", 1
    )
    await _refused(ctx, data, "5.4.1", "an unknown element in MessageHeader")


@case(
    "HUB-XML-009",
    "Stray bytes before the XML declaration are refused or repaired, never misread",
    clause=CLAUSE,
    severity="should",
    hint="Refuse leading garbage (axis strict: 5.2.4) or, under a lenient policy, drop it with a warning (axis: 2.2.4).",
)
async def leading_garbage(ctx: Context) -> None:
    sender, recipient = ctx.party("sender"), ctx.party("recipient")
    data = b"1212" + ctx.signed(
        sender, packages.write(packages.document(sender.agency, (recipient.agency,)))
    )
    reply = await ctx.send(sender, data)
    if reply.ok:
        if not (reply.get("warnings") or str(reply.get("code", "")).startswith("2.")):
            ctx.deviations.append("accepted stray bytes without a warning")
        return
    ctx.refused(reply, "5.2.4", "bytes before the declaration")
