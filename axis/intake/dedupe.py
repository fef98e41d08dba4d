"""Intake stage 4, dedupe: idempotent retries and reused DocumentIds (docs/domain.md §7).

- The same bytes (SHA-256) again from the same sender: the original DocId is returned with
  2.6.1 and nothing new is stored (a client retrying after a lost answer must not create a
  second copy; docs/architecture.md, the flow of a document: "retries are idempotent").
- A new document (BussinessDocType 0) whose DocumentId this sender already used: 5.6.2.
  Revoke/update/replace (1-3) reuse DocumentIds on purpose; the business stage checks them.
"""

from __future__ import annotations

from axis.edxml import DocumentPackage
from axis.errors import Finding, Rejected
from axis.intake.context import Intake
from axis.intake.env import Env

name = "dedupe"


async def run(ctx: Intake, env: Env) -> None:
    checked, package = ctx.checked, ctx.checked.package
    document_id = (
        package.document_id
        if isinstance(package, DocumentPackage) and package.business_doc_type == 0
        else None
    )
    # Both questions in one read (one round trip on PostgreSQL; docs/performance.md).
    existing, taken = await env.store.dedupe_lookup(ctx.from_agency, checked.sha256, document_id)
    if existing is not None:
        ctx.duplicate_of = existing
        ctx.findings.append(Finding("2.6.1", f"Original DocId {existing.id}."))
        ctx.done = True
        return
    if taken:
        raise Rejected("5.6.2", f"DocumentId {document_id!r}.")
