"""DMS cases: what the DMS puts on the wire when it sends (docs/domain.md §3, §4, §6, §7).

The kit asks the DMS (through its driver) to send a document with one PDF to an agency the kit
plays, then judges the recorded request: the SDK framing and signing, the package's XML, its
signature, its From, DocumentId and dates, its attachment.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

from axis.conformance.dms_context import PDF, DmsContext, Sent, read_sent
from axis.conformance.evidence import Failed
from axis.conformance.registry import case
from axis.conformance.wire import hash_file, hmac_hex
from axis.edxml import DocumentPackage, StatusPackage, Validator, load, parse
from axis.errors import Rejected
from axis.pki.trust import TrustStore
from axis.pki.xmldsig import verify

SDK_TIMESTAMP = re.compile(r"^\d{8}T\d{6}\+\d{4}$")


async def outgoing(ctx: DmsContext) -> Sent:
    """The DMS sends a document with one PDF to the kit's agency (once per run)."""

    async def work() -> Sent:
        pdf = Path(ctx.workdir) / "kit-test.pdf"
        pdf.write_bytes(PDF)
        subject = f"Kiểm thử hợp chuẩn DMS {uuid.uuid4().hex[:8]}"
        since = len(ctx.exchanges)
        name = ctx.settings.kit_agencies[ctx.peer]
        await ctx.driver.send_document(ctx.agency, ctx.peer, name, subject, pdf)
        exchange = await ctx.wait_for(
            "a sendEdoc (messagetype edoc) from the DMS",
            lambda e: e.operation == "sendEdoc" and e.param("messagetype") == "edoc",
            since=since,
            hint="send the document with sendEdoc, messagetype=edoc, as soon as it is issued",
        )
        return read_sent(exchange)

    result: Sent = await ctx.step("outgoing", work)
    return result


async def document(ctx: DmsContext) -> tuple[Sent, DocumentPackage]:
    sent = await outgoing(ctx)
    if not isinstance(sent.package, DocumentPackage):
        raise Failed("a readable edXML document package", sent.error or "a status package")
    return sent, sent.package


async def everything_sent(ctx: DmsContext) -> list[Sent]:
    """Every package the DMS sent, after the steps that make it send a document and a status."""
    from axis.conformance.dms_cases_incoming import refused

    await outgoing(ctx)
    await refused(ctx)
    return ctx.sent_packages("edoc") + ctx.sent_packages("status")


@cache
def _validator() -> Validator:
    return Validator("strict")


def _trust(ctx: DmsContext) -> TrustStore:
    return TrustStore.load(Path(ctx.settings.trust_root).parent)


def _answer(sent: Sent) -> str:
    return f"the sandbox hub answered {sent.exchange.summary()}"


@case(
    "DMS-SEND-001",
    "Asked to send a document with one PDF, the DMS sends it (sendEdoc edoc) to that agency",
    clause="docs/domain.md §6",
    hint="Issue the document and send it with sendEdoc (messagetype edoc), To = the chosen agency.",
)
async def sends(ctx: DmsContext) -> None:
    _sent, pkg = await document(ctx)
    recipients = [r.organ_id for r in pkg.recipients]
    if recipients != [ctx.peer]:
        raise Failed(f"To = {ctx.peer} only", f"To = {recipients}")


@case(
    "DMS-WIRE-001",
    "sendEdoc bodies are framed as the SDK frames them: the file + CRLF, hash-file over the file",
    clause="docs/domain.md §6",
    hint="Send the file followed by CRLF (as the VXP SDK does); hash-file is the SHA-256 of the file alone, hex.",
)
async def framing(ctx: DmsContext) -> None:
    for sent in await everything_sent(ctx):
        body, exchange = sent.exchange.body, sent.exchange
        if not body.endswith(b"\r\n"):
            raise Failed(
                "every sendEdoc body = the file + CRLF",
                f"{exchange.summary()}: the body ends with {body[-8:]!r}",
            )
        given = exchange.param("hash-file")
        if given not in (hash_file(body[:-2]), hash_file(body[:-2], padded=True)):
            raise Failed(
                "hash-file = SHA-256 of the file without the CRLF",
                f"{exchange.summary()}: hash-file {given!r}, the file hashes to "
                f"{hashlib.sha256(body[:-2]).hexdigest()}",
            )


@case(
    "DMS-WIRE-002",
    "Every request is signed as the SDK signs it (sign-header, HMAC, system id, timestamp)",
    clause="docs/domain.md §6",
    hint="Sign the XroadVnpt-* parameters as compact JSON in sign-header and send its HMAC-SHA256 (hex, keyed with the secret) in hash-header; timestamp ddMMyyyyTHHmmss+NNNN.",
)
async def signing(ctx: DmsContext) -> None:
    await everything_sent(ctx)
    for exchange in list(ctx.exchanges):
        sign_header = exchange.param("sign-header")
        problem = ""
        try:
            signed = json.loads(sign_header)
        except ValueError:
            signed, problem = {}, "sign-header is not JSON"
        if not problem and any(exchange.headers.get(k) != v for k, v in signed.items()):
            problem = "a signed value differs from the header sent"
        elif not problem and exchange.param("hash-header") != hmac_hex(
            ctx.settings.secret, sign_header
        ):
            problem = "hash-header is not the HMAC-SHA256 of sign-header with the secret"
        elif not problem and signed.get("XroadVnpt-systemid") != ctx.settings.system_id:
            problem = f"systemid {signed.get('XroadVnpt-systemid')!r}"
        elif not problem and not SDK_TIMESTAMP.match(str(signed.get("XroadVnpt-timestamp"))):
            problem = f"timestamp {signed.get('XroadVnpt-timestamp')!r}"
        if problem:
            raise Failed(
                "every request signed as the SDK signs it", f"{exchange.summary()}: {problem}"
            )


@case(
    "DMS-WIRE-003",
    "messagetype matches the package: edoc for a document, status for a status",
    clause="docs/domain.md §6",
    severity="should",
    hint="Send document packages with messagetype=edoc and status packages with messagetype=status.",
)
async def messagetype(ctx: DmsContext) -> None:
    for sent in await everything_sent(ctx):
        kind = "status" if isinstance(sent.package, StatusPackage) else "edoc"
        if sent.package is not None and sent.exchange.param("messagetype") != kind:
            raise Failed(f"messagetype {kind}", sent.exchange.summary())


def _check_xml(sent: Sent, ctx: DmsContext) -> None:
    try:
        loaded = load(sent.data, policy="strict")
        findings = list(loaded.findings) + _validator().validate(loaded.root, parse(loaded.root))
    except Rejected as rejected:
        raise Failed(
            "well-formed, schema-valid edXML (no DOCTYPE, UTF-8)",
            f"{rejected} ({_answer(sent)})",
        ) from None
    for finding in findings:
        ctx.deviations.append(f"{finding.code} {finding.detail}".strip())


@case(
    "DMS-XML-001",
    "The document is well-formed, schema-valid edXML (QCVN 102:2016) without a DOCTYPE",
    clause="docs/domain.md §3",
    hint="Build the package against the QCVN 102:2016 schema; no DOCTYPE, no entities, UTF-8.",
)
async def document_xml(ctx: DmsContext) -> None:
    _check_xml(await outgoing(ctx), ctx)


@case(
    "DMS-XML-002",
    "Its status packages are well-formed, schema-valid edXML status packages",
    clause="docs/domain.md §5",
    hint="Build status packages (MessageHeader with From, ResponseFor, StaffInfo, StatusCode, Description, Timestamp) against the schema.",
)
async def status_xml(ctx: DmsContext) -> None:
    await everything_sent(ctx)
    for sent in ctx.sent_packages("status"):
        _check_xml(sent, ctx)


def _check_signature(sent: Sent, ctx: DmsContext) -> None:
    if sent.package is None:
        raise Failed("a readable package", sent.error)
    sender = sent.package.sender.organ_id
    try:
        verdict = verify(
            load(sent.data).root, mode="required", trust=_trust(ctx), expected_agency=sender
        )
    except Rejected as rejected:
        raise Failed(
            f"an XMLDSig signature by {sender}'s certificate, chained to the trust root",
            f"{rejected} ({_answer(sent)})",
        ) from None
    if verdict.signer_agency != sender:
        raise Failed(f"signed by {sender}", f"signed by {verdict.signer_agency or verdict.signer}")


@case(
    "DMS-SIG-001",
    "The document is signed (XMLDSig) by its From agency's certificate",
    clause="docs/domain.md §4",
    hint="Sign each package with the key of the agency in From (its certificate names that agency), enveloped XMLDSig with the chain.",
)
async def document_signature(ctx: DmsContext) -> None:
    _check_signature(await outgoing(ctx), ctx)


@case(
    "DMS-SIG-002",
    "Its status packages are signed by the reporting agency's certificate",
    clause="docs/domain.md §4",
    hint="Sign each status package with the key of the agency that reports it (its From).",
)
async def status_signature(ctx: DmsContext) -> None:
    await everything_sent(ctx)
    for sent in ctx.sent_packages("status"):
        _check_signature(sent, ctx)


@case(
    "DMS-DOC-001",
    "From is an agency the DMS's system serves, and the from parameter equals it",
    clause="docs/domain.md §7",
    hint="Send only for agencies your system serves; the from header must be the package's From/OrganId.",
)
async def sender_is_served(ctx: DmsContext) -> None:
    for sent in await everything_sent(ctx):
        if sent.package is None:
            continue  # judged by DMS-XML-001/002
        sender, header = sent.package.sender.organ_id, sent.exchange.param("from")
        if sender not in ctx.settings.agencies or header != sender:
            raise Failed(
                f"From one of {sorted(ctx.settings.agencies)} and from = From",
                f"From {sender!r}, from header {header!r} ({sent.exchange.summary()})",
            )


@case(
    "DMS-DOC-002",
    "DocumentId is OrganId,yyyy/MM/dd,Number/Notation of the document",
    clause="docs/domain.md §3",
    severity="should",
    hint="Build DocumentId from the sender's id, the promulgation date and the number/notation, e.g. 000.00.08.H47,2024/05/07,12/UBND.",
)
async def document_id(ctx: DmsContext) -> None:
    _, pkg = await document(ctx)
    code = "/".join(p for p in (pkg.code.code_number, pkg.code.code_notation) if p)
    expected = f"{pkg.sender.organ_id},{pkg.promulgation.promulgation_date},{code}"
    if pkg.document_id != expected:
        raise Failed(f"DocumentId {expected!r}", f"DocumentId {pkg.document_id!r}")


@case(
    "DMS-DOC-003",
    "PromulgationDate is a real yyyy/MM/dd date: the day it was issued, not in the future",
    clause="docs/domain.md §3",
    hint="Write the promulgation date as yyyy/MM/dd: the day the document is signed and issued.",
)
async def dates(ctx: DmsContext) -> None:
    _, pkg = await document(ctx)
    text = pkg.promulgation.promulgation_date
    try:
        issued = datetime.strptime(text, "%Y/%m/%d").date()
    except ValueError:
        raise Failed("PromulgationDate yyyy/MM/dd", repr(text)) from None
    today = date.today()
    if not today - timedelta(days=3) <= issued <= today:
        raise Failed(f"PromulgationDate in the last days up to {today:%Y/%m/%d}", text)


@case(
    "DMS-DOC-004",
    "The PDF given is attached unchanged and announced in the manifest",
    clause="docs/domain.md §3",
    hint="Attach each file base64-encoded, byte for byte, with a manifest Reference (ContentId) for it.",
)
async def attachment(ctx: DmsContext) -> None:
    _, pkg = await document(ctx)
    if len(pkg.attachments) != 1:
        raise Failed("exactly one attachment", f"{len(pkg.attachments)} attachments")
    (attached,) = pkg.attachments
    content = b"".join(attached.iter_bytes())
    if content != PDF:
        raise Failed(
            "the PDF's bytes unchanged", f"{len(content)} bytes, SHA-256 "
            f"{hashlib.sha256(content).hexdigest()[:16]}…",
        )  # fmt: skip
    if attached.content_id not in {r.content_id for r in pkg.references}:
        raise Failed(f"a manifest Reference for {attached.content_id}", "none")
