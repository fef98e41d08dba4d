"""Intake stage 6, persist: one transaction, then (and only then) the answer.

Writes the exact received bytes (never re-serialised: a signature must still verify), the
envelope fields, one delivery row per recipient (its id is the docId that recipient lists and
fetches), the status effects and an event (docs/architecture.md principle 1: the commit is the
acknowledgement). A store failure surfaces as StoreUnavailable: 503, nothing accepted.
"""

from __future__ import annotations

from axis import logs
from axis.edxml import DocumentPackage
from axis.intake.context import Intake
from axis.intake.env import Env
from axis.intake.route import came_through_hub
from axis.store.base import NewDelivery, NewDocument, new_id, new_ids
from axis.store.sqlite import now

name = "persist"
log = logs.get("axis.intake")


def document_row(ctx: Intake, doc_id: str = "") -> NewDocument:
    """The stored row for a checked package (also used by bench/floor.py)."""
    checked = ctx.checked
    package = checked.package
    if isinstance(package, DocumentPackage):
        document_id, business_type, status_code = package.document_id, package.business_doc_type, ""
        subject, notation = package.subject, package.code.code_notation
    else:
        document_id, business_type = package.response_for.document_id, 0
        status_code, subject, notation = package.status_code, package.description, ""
    return NewDocument(
        id=doc_id or new_id(),
        from_agency=ctx.from_agency,
        system_id=ctx.system_id,
        message_type=checked.kind,
        document_id=document_id,
        business_type=business_type,
        original_id=ctx.original_id,
        status_code=status_code,
        sha256=checked.sha256,
        data=checked.data,
        subject=subject[:500],
        notation=notation[:100],
        findings=tuple((f.code, f.detail) for f in ctx.findings),
        created_at=now(),
        hops=hops_through_hubs(ctx),
    )


def hops_through_hubs(ctx: Intake) -> tuple[tuple[str, str], ...]:
    """The trace as received, for a package another hub handed over (docs/delivery-log.md
    "Across hubs"); () for one a connected system sent here directly."""
    package = ctx.checked.package
    if not isinstance(package, DocumentPackage):
        return ()
    hops = tuple((t.organ_id, t.timestamp) for t in package.traces)
    return hops if came_through_hub(ctx.system_id, [organ for organ, _ in hops]) else ()


async def run(ctx: Intake, env: Env) -> None:
    doc_id, *delivery_ids = new_ids(1 + len(ctx.recipients))
    doc = document_row(ctx, doc_id)
    routes = [ctx.routes[agency] for agency in ctx.recipients]
    deliveries = [
        NewDelivery(delivery_id, agency, doc.message_type, route.name, route.retired_for)
        for delivery_id, agency, route in zip(delivery_ids, ctx.recipients, routes, strict=True)
    ]
    await env.store.save_incoming(doc, deliveries, status=ctx.status, pending=ctx.pending)
    ctx.doc_id = doc.id
    log.info(
        "accepted",
        doc_id=doc.id,
        document_id=doc.document_id,  # the edXML ids a sender's IT staff know the document by
        notation=doc.notation or None,
        request_id=ctx.request_id or None,
        sender=doc.from_agency,
        system=doc.system_id,
        message_type=doc.message_type,
        business_type=doc.business_type,
        status_code=doc.status_code or None,
        recipients=ctx.recipients,
        warnings=[f.code for f in ctx.findings] or None,
    )
    if ctx.status is not None:
        log.info(
            "status relayed",
            doc_id=doc.id,
            document_id=doc.document_id,
            original_id=ctx.status.original_id,
            sender=doc.from_agency,
            recipient=ctx.recipients[0] if len(ctx.recipients) == 1 else ctx.recipients,
            status_code=ctx.status.code,
        )
