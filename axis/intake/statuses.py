"""Business status rules (docs/domain.md §5): who may report what, when, and where it goes.

A status names its document by ResponseFor/DocumentId. It is relayed to the document's
original sender (a ``status`` delivery to that agency) and becomes the reporter's latest
business status on the original's delivery row (getSentEdocList). Rules, each with its code
(docs/business-rules.md):
- the document must be known (5.6.3) and the reporter one of its recipients (5.6.5);
- 13 (recall) only from the original sender (5.6.8); it goes to the recipient ResponseFor
  names, or to every recipient when ResponseFor names none of them, and each owes 15/16;
- 15/16 only while a recall/update/replace is pending for the reporter (5.6.9): one answer
  per pending change, so a second update may be answered again;
- every other code, 13 included, at most once per agency and document except 05 (5.6.6);
- order (5.6.7, intake.enforce_status_order): see ALLOWED_AFTER.
"""

from __future__ import annotations

from axis.edxml import StatusPackage
from axis.errors import Rejected
from axis.intake.context import Intake
from axis.intake.env import Env
from axis.store.base import DocumentRef, RecipientState, StatusEffect

# The codes that may follow the reporter's latest progress code ("" = none yet). 02 (refused)
# and 06 (finished) end the flow; 04/05 may interleave; 01 and 03 only start it. 13/15/16 are
# not progress codes: they are governed by the recall rules.
ALLOWED_AFTER: dict[str, frozenset[str]] = {
    "01": frozenset({""}),
    "02": frozenset({"", "01", "03", "04", "05"}),
    "03": frozenset({"", "01"}),
    "04": frozenset({"", "01", "03", "04", "05"}),
    "05": frozenset({"", "01", "03", "04", "05"}),
    "06": frozenset({"", "01", "03", "04", "05"}),
}
CHANGE_ANSWERS = frozenset({"15", "16"})
REPEATABLE = frozenset({"05"})  # progress reports; every other code once per agency and document
NAMES = {
    "01": "Đã đến", "02": "Từ chối", "03": "Đã tiếp nhận", "04": "Phân công",
    "05": "Đang xử lý", "06": "Hoàn thành", "13": "Yêu cầu thu hồi",
    "15": "Đồng ý thu hồi/cập nhật", "16": "Từ chối thu hồi/cập nhật",
}  # fmt: skip


async def apply(ctx: Intake, env: Env, package: StatusPackage) -> None:
    reporter, code = ctx.from_agency, package.status_code
    document_id = package.response_for.document_id
    originals = await env.store.find_originals(document_id)
    if not originals:
        raise Rejected("5.6.3", f"No document {document_id!r}.")
    if code == "13":
        original = _sent_by(originals, reporter)
        codes, pending = await env.store.reported_codes(original.id, reporter), False
    else:
        original, me = await _as_recipient(env, originals, reporter, package.response_for.organ_id)
        codes, pending = me.codes, bool(me.pending_change)
    check_rules(env, reporter, code, codes, pending)  # the same rules for every code
    ctx.original_id = original.id
    if code == "13":
        await _recall(ctx, env, package, original)
        return
    ctx.recipients = [original.from_agency]
    ctx.routes = await env.directory.routes(ctx.recipients)
    clears = code in CHANGE_ANSWERS
    ctx.status = StatusEffect(
        original.id, reporter, code, (reporter,) if clears else (), 0 if clears else None
    )


def _sent_by(originals: list[DocumentRef], reporter: str) -> DocumentRef:
    """The reporter's own document: 13 (recall) comes only from the original sender (5.6.8)."""
    own = [doc for doc in originals if doc.from_agency == reporter]
    if not own:
        raise Rejected("5.6.8", f"{originals[0].document_id!r} was not sent by {reporter}.")
    return own[-1]


async def _as_recipient(
    env: Env, originals: list[DocumentRef], reporter: str, named_sender: str
) -> tuple[DocumentRef, RecipientState]:
    """The document (preferring the one ResponseFor/OrganId sent) the reporter received."""
    ordered = sorted(originals, key=lambda d: d.from_agency != named_sender)
    for original in ordered:
        for state in await env.store.recipients(original.id):
            if state.agency == reporter:
                return original, state
    raise Rejected("5.6.5", f"{reporter} is not a recipient of {originals[0].document_id!r}.")


def check_rules(env: Env, reporter: str, code: str, codes: tuple[str, ...], pending: bool) -> None:
    """Duplicate and order rules, for every status code alike (docs/business-rules.md).

    ``codes``: what ``reporter`` already reported on the document, oldest first; ``pending``:
    a recall or change awaits its answer. 15/16 answer one pending change each, so they are
    judged by ``pending`` (5.6.9), not as duplicates: a second update earns a second answer."""
    if code in CHANGE_ANSWERS:
        if not pending:
            raise Rejected("5.6.9", f"No recall or update awaits an answer from {reporter}.")
        return
    if code in codes and code not in REPEATABLE:
        raise Rejected("5.6.6", f"{reporter} already reported {code}.")
    if code not in ALLOWED_AFTER or not env.cfg.intake.enforce_status_order:
        return
    progress = [c for c in codes if c in ALLOWED_AFTER]
    latest = progress[-1] if progress else ""
    if latest not in ALLOWED_AFTER[code]:
        raise Rejected("5.6.7", f"{code} cannot follow {latest} from {reporter}.")


async def _recall(ctx: Intake, env: Env, package: StatusPackage, original: DocumentRef) -> None:
    recipients = [state.agency for state in await env.store.recipients(original.id)]
    named = package.response_for.organ_id
    targets = [named] if named in recipients else recipients
    ctx.recipients = targets
    ctx.routes = await env.directory.routes(targets)
    ctx.status = StatusEffect(original.id, ctx.from_agency, "13", tuple(targets), 13)
