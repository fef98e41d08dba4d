"""/sendEdoc and /getReceipt: a package in at the door, and the hub's receipt for it.

/sendEdoc (docs/domain.md §6): headers servicetype, messagetype (edoc|status), from, hash-file;
body the .edxml bytes. Authorisation first (From must be served by the caller, 5.8.6), then the
body streams in under the size limit, hash-file is compared, and the intake pipeline runs
(axis/intake/pipeline.py). The answer comes after the commit, with DocId (and every refusal
carries ``"DocId": ""``: the SDK reads it unconditionally, see app.py's middleware).

Framing (docs/domain.md §6): the real SDK sends the file followed by one CRLF and hashes the
file alone. When hash-file matches only the body without that final CRLF, the CRLF is dropped
and the file is what is stored and delivered. No other trailing bytes are forgiven.
"""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from axis.api.auth import Caller
from axis.api.body import Body, spool_limited
from axis.api.refusals import request_id
from axis.api.responses import ok, warnings
from axis.daemon import Daemon
from axis.errors import Finding, Rejected
from axis.intake.context import Intake

MESSAGE_TYPES = ("edoc", "status")


def hash_matches(claimed: str, digest: bytes) -> bool:
    """hash-file (of the body's SHA-256 ``digest``) in the Java SDK's unpadded hex (byte 0x0a
    -> "a") or the usual 64 digits."""
    claimed = claimed.strip().lower()
    return claimed == digest.hex() or claimed == "".join([_UNPADDED_HEX[b] for b in digest])


# Each byte's hex without its leading zero, looked up (format() per byte cost 5 us a digest).
_UNPADDED_HEX = tuple(format(b, "x") for b in range(256))


def _check_hash_file(claimed: str, body: Body) -> None:
    """hash-file over the whole body, or over the body without its one final CRLF (the SDK's
    framing: then the CRLF is stripped); anything else is 5.1.3."""
    if hash_matches(claimed, body.digest):
        return
    if body.digest_before_crlf is not None and hash_matches(claimed, body.digest_before_crlf):
        body.strip_crlf()
        return
    raise Rejected("5.1.3")


async def send_edoc(daemon: Daemon, caller: Caller, request: web.Request) -> web.Response:
    message_type = caller.param("messagetype").lower()
    if message_type not in MESSAGE_TYPES:
        raise Rejected(
            "5.1.5", f"XroadVnpt-messagetype must be edoc or status, got {message_type!r}."
        )
    from_agency = caller.param("from")
    claimed = caller.param("hash-file")
    await check_sender(daemon, caller.system_id, from_agency)
    body = await spool_limited(request, daemon.cfg.intake.max_body_bytes, daemon.spool_dir)
    try:
        _check_hash_file(claimed, body)
        ctx = await run_intake(
            daemon, caller.system_id, from_agency, message_type, body.source, request
        )
    finally:
        body.discard()  # the store has its own copy once the pipeline committed
    return ok(**outcome(ctx))


async def check_sender(daemon: Daemon, system_id: str, from_agency: str) -> None:
    """Authorisation of a send, before its body is read: From must be served by the caller."""
    if not await daemon.directory.serves(system_id, from_agency):
        raise Rejected("5.8.6", f"{from_agency} is not served by {system_id}.")


async def run_intake(
    daemon: Daemon,
    system_id: str,
    from_agency: str,
    message_type: str,
    source: bytes | Path,
    request: web.Request,
) -> Intake:
    """The intake pipeline over one received package (every door sends through here); returns
    after the commit, or raises the refusal."""
    if not (source.stat().st_size if isinstance(source, Path) else len(source)):
        raise Rejected("5.1.2")
    received = datetime.now().astimezone()
    ctx = Intake(source, system_id, from_agency, message_type, received)
    ctx.request_id = request_id(request)  # ties a recorded refusal to its log line
    await daemon.pipeline.run(ctx)
    return ctx


def outcome(ctx: Intake) -> dict[str, Any]:
    """An accepted package's answer fields: DocId (the original's for a duplicate), the result
    code and the warnings."""
    if ctx.duplicate_of is not None:
        return {"DocId": ctx.duplicate_of.id, "code": "2.6.1", "warnings": warnings(ctx.findings)}
    code = next((f.code for f in ctx.findings), "2.0.0")
    return {"DocId": ctx.doc_id, "code": code, "warnings": warnings(ctx.findings)}


async def get_receipt(daemon: Daemon, caller: Caller, request: web.Request) -> web.Response:
    """The hub-signed transport receipt (XML, base64 in ``data``) for a document you sent."""
    doc_id = caller.param("docId")
    doc = await daemon.store.get_document(doc_id)
    # someone else's document is answered as a missing one: ids are not an oracle
    if doc is None or not await daemon.directory.serves(caller.system_id, doc.from_agency):
        raise Rejected("5.1.8", f"DocId {doc_id!r}.")
    recipients = await daemon.store.recipients(doc.id)
    findings = "; ".join(Finding(c, d).reason for c, d in json.loads(doc.findings))
    # Signing is about a millisecond; the worker pool keeps even that off the event loop.
    signed = await asyncio.get_running_loop().run_in_executor(
        daemon.executor, daemon.receipts.sign, doc, recipients, findings
    )
    return ok(DocId=doc.id, data=base64.b64encode(signed).decode("ascii"))
