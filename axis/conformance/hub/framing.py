"""SDK framing: CRLF after the file, the unpadded hash-file, DocId on every sendEdoc answer,
the body limit (docs/domain.md §6 "Details that break a naive server")."""

from __future__ import annotations

from urllib.parse import urlsplit

from axis.conformance import packages
from axis.conformance.evidence import Failed
from axis.conformance.registry import case
from axis.conformance.target import Context, Party
from axis.conformance.wire import Reply, hash_file, raw_exchange

CLAUSE = "docs/domain.md §6"
SEND = "sendEdoc"
ANSWER_WITHIN_S = 10.0  # a hub checking Content-Length answers at once


def _params(party: Party, data: bytes, *, padded: bool = False) -> dict[str, str]:
    return {
        "servicetype": "eDoc",
        "messagetype": "edoc",
        "from": party.agency,
        "hash-file": hash_file(data, padded=padded),
    }


def doc_id_empty(reply: Reply, what: str) -> None:
    if reply.payload is None or reply.payload.get("DocId") != "":
        raise Failed(f'{what}: a DocId field, "" (the SDK reads it unconditionally)', reply)


async def _signed_document(ctx: Context) -> tuple[Party, Party, bytes]:
    sender, recipient = ctx.party("sender"), ctx.party("recipient")
    pkg = packages.document(sender.agency, (recipient.agency,))
    return sender, recipient, ctx.signed(sender, packages.write(pkg))


@case(
    "HUB-WIRE-001",
    "The SDK's body (file + CRLF, hash-file over the file) is stored and delivered without the CRLF",
    clause=CLAUSE,
    hint="When hash-file matches the body only without its final CRLF, drop exactly that CRLF: store and deliver the file.",
)
async def crlf(ctx: Context) -> None:
    sender, recipient, data = await _signed_document(ctx)
    client = ctx.client(sender)
    reply = await client.call(
        SEND, _params(sender, data), data + b"\r\n", "application/octet-stream"
    )
    ctx.accepted(reply, "file + CRLF", "DocId")
    await ctx.delivered(recipient, data, "the file without the CRLF")


@case(
    "HUB-WIRE-002",
    "hash-file in the SDK's unpadded hex (0x0a written 'a') is accepted",
    clause=CLAUSE,
    hint="Compare hash-file with the SHA-256 of the body both as 64 hex digits and as Java's unpadded per-byte hex.",
)
async def unpadded(ctx: Context) -> None:
    sender, recipient = ctx.party("sender"), ctx.party("recipient")
    pkg = packages.document(sender.agency, (recipient.agency,))
    data = ctx.signed(sender, packages.write(pkg))
    while len(hash_file(data)) == 64:  # about 1 in 8 digests has no byte below 0x10
        pkg = packages.new_id(pkg)
        data = ctx.signed(sender, packages.write(pkg))
    ctx.accepted(await ctx.send(sender, data), f"hash-file {hash_file(data)}", "DocId")


@case(
    "HUB-WIRE-003",
    "hash-file in 64 hex digits over a body without CRLF is accepted",
    clause=CLAUSE,
    hint="Accept the normal padded hex form too, and a body that is exactly the file.",
)
async def padded(ctx: Context) -> None:
    sender, recipient, data = await _signed_document(ctx)
    reply = await ctx.client(sender).call(
        SEND, _params(sender, data, padded=True), data, "application/octet-stream"
    )
    ctx.accepted(reply, "padded hash-file, no CRLF", "DocId")
    await ctx.delivered(recipient, data, "the body as sent")


@case(
    "HUB-WIRE-004",
    'A body that does not match hash-file is refused, with DocId ""',
    clause=CLAUSE,
    hint='Refuse a body whose SHA-256 matches neither hash-file form (axis: 5.1.3) and answer DocId "".',
)
async def mismatch(ctx: Context) -> None:
    sender, recipient, data = await _signed_document(ctx)
    altered = data.replace(b"</edXML>", b"</edXML>\n\n")
    reply = await ctx.client(sender).call(
        SEND, _params(sender, data), altered, "application/octet-stream"
    )
    ctx.refused(reply, "5.1.3", "body altered after hashing")
    doc_id_empty(reply, "the refusal")
    await ctx.not_delivered(recipient, altered, "altered body")


@case(
    "HUB-WIRE-005",
    'An authentication refusal of sendEdoc still carries DocId ""',
    clause=CLAUSE,
    hint="Every sendEdoc answer needs a DocId field, whoever refuses (authentication included): the SDK crashes without it.",
)
async def doc_id_on_auth_refusal(ctx: Context) -> None:
    sender, _, data = await _signed_document(ctx)
    client = ctx.client(sender)
    headers = client.signed_headers(
        _params(sender, data), "application/octet-stream", secret="not-the-secret"
    )
    reply = await client.post(SEND, headers, data + b"\r\n")
    ctx.refused(reply, "5.8.1", "sendEdoc with a wrong HMAC")
    doc_id_empty(reply, "the refusal")


@case(
    "HUB-WIRE-006",
    "An empty sendEdoc body is refused",
    clause=CLAUSE,
    hint='Refuse an empty body (axis: 5.1.2) with DocId "".',
)
async def empty(ctx: Context) -> None:
    sender = ctx.party("sender", keys=False)
    reply = await ctx.client(sender).call(
        SEND, _params(sender, b""), b"", "application/octet-stream"
    )
    ctx.refused(reply, "5.1.2", "empty body")
    doc_id_empty(reply, "the refusal")


@case(
    "HUB-WIRE-007",
    "An unknown operation is refused",
    clause=CLAUSE,
    hint="Answer an operation the protocol does not have with a FAIL body (axis: 5.1.6, HTTP 404).",
)
async def unknown_operation(ctx: Context) -> None:
    client = ctx.client(ctx.party("sender", keys=False))
    ctx.refused(await client.call("sendEverything"), "5.1.6", "POST /sendEverything")


@case(
    "HUB-WIRE-008",
    "A body declared larger than the limit is refused before it is read",
    clause=CLAUSE,
    hint="Check Content-Length against the body limit before reading and answer 413 (axis: 5.1.1); keep checking while the body streams.",
)
async def oversize(ctx: Context) -> None:
    sender = ctx.party("sender", keys=False)
    client = ctx.client(sender)
    declared = (ctx.target.max_body or 2**31) + 1  # without --max-body: above any sane limit
    data = b"<edXML/>"
    headers = client.signed_headers(_params(sender, data), "application/octet-stream")
    host = urlsplit(ctx.endpoint)
    lines = [f"POST {host.path}/{SEND} HTTP/1.1", f"Host: {host.netloc}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines += [f"Content-Length: {declared}", "Connection: close"]  # no Expect, as the SDK
    head = ("\r\n".join(lines) + "\r\n\r\n").encode()
    try:  # only the first bytes of the declared body follow the head
        answer = await raw_exchange(ctx.endpoint, head, data, timeout_s=ANSWER_WITHIN_S)
    except TimeoutError:
        raise Failed(
            f"HTTP 413 for Content-Length {declared} without reading the body",
            f"no answer within {ANSWER_WITHIN_S:.0f}s: the hub waits for the declared body"
            + (" (is --max-body the hub's limit?)" if ctx.target.max_body else ""),
        ) from None
    reply = Reply.of(SEND, answer.http, answer.body)
    if answer.http != 413:
        raise Failed(f"HTTP 413 for Content-Length {declared} (8 bytes of it sent)", reply)
    ctx.refused(reply, "5.1.1", f"Content-Length {declared}")
    doc_id_empty(reply, "the refusal")
