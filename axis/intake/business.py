"""Intake stage 5, business rules: what a revoke/update/replace or a status may do.

Documented in docs/business-rules.md. New documents (type 0) go to their To list. Revoke (1),
update (2) and replace (3) must refer to an earlier new document of the SAME sender (5.6.3
unknown, 5.6.4 another sender's; docs/domain.md §7) and go to that document's recipients (replace:
to the OrganIds its ReplacementInfoList names, when it names any); each such recipient then owes
a 15/16 answer (a pending change). Status packages are checked in statuses.py.
"""

from __future__ import annotations

from axis.edxml import DocumentPackage, StatusPackage
from axis.errors import Rejected
from axis.intake import route, statuses
from axis.intake.context import Intake
from axis.intake.env import Env
from axis.store.base import DocumentRef

name = "business"


async def run(ctx: Intake, env: Env) -> None:
    package = ctx.checked.package
    if isinstance(package, StatusPackage):
        await statuses.apply(ctx, env, package)
    elif package.business_doc_type in (1, 2, 3):
        await _change(ctx, env, package)
    ctx.recipients = route.follow(ctx, ctx.recipients, ctx.routes)  # retired: successors
    route.refuse_upstream(ctx.routes, env.cfg)  # the recipients this stage chose, too


def references(package: DocumentPackage) -> list[str]:
    """The DocumentIds a revoke/update/replace refers to.

    Bussiness/DocumentId when given, else the package's own DocumentId (the VNPT revocation
    sample repeats the original's DocumentId in the header and leaves Bussiness/DocumentId out);
    a replace names the replaced documents in ReplacementInfoList.
    """
    business = package.business
    assert business is not None
    if business.doc_type == 3 and business.replacements:
        return list(dict.fromkeys(r.document_id for r in business.replacements if r.document_id))
    return [business.document_id or package.document_id]


async def original_of(env: Env, sender: str, document_id: str) -> DocumentRef:
    """The sender's earlier new document with this DocumentId; 5.6.3 / 5.6.4 otherwise."""
    originals = await env.store.find_originals(document_id)
    own = [doc for doc in originals if doc.from_agency == sender]
    if own:
        return own[-1]
    if originals:
        raise Rejected("5.6.4", f"{document_id!r} was sent by {originals[0].from_agency}.")
    raise Rejected("5.6.3", f"No document {document_id!r} from {sender}.")


async def _change(ctx: Intake, env: Env, package: DocumentPackage) -> None:
    assert package.business is not None
    kind = package.business.doc_type
    named = {
        organ for r in package.business.replacements for organ in r.organ_ids if organ
    }  # ReplacementInfo OrganIdList
    targets: dict[str, None] = {}
    for document_id in references(package):
        original = await original_of(env, ctx.from_agency, document_id)
        ctx.original_id = ctx.original_id or original.id
        recipients = [r.agency for r in await env.store.recipients(original.id)]
        chosen = [a for a in recipients if a in named] if kind == 3 and named else recipients
        ctx.pending.append((original.id, tuple(chosen), kind))
        targets.update(dict.fromkeys(chosen))
    extra = sorted(named - set(targets)) if kind == 3 else []
    if extra:
        ctx.routes.update(await env.directory.routes(extra))
        targets.update(dict.fromkeys(extra))
    ctx.recipients = list(targets)
    ctx.routes.update(await env.directory.routes(ctx.recipients))
