"""DMS cases: how the DMS handles what it receives (docs/domain.md §5, §6, §7).

The kit, as another agency, sends documents to the DMS's agency through the sandbox hub, then
has the DMS's clerk act (through the driver) and judges what the DMS did on the wire: list, fetch,
acknowledge ``done``; the statuses it reports, their order and timing; its answers to revoke,
update, replace and recall; a redelivered package stored once.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta

from axis.conformance.dms_context import DmsContext, KitDocument
from axis.conformance.dms_recorder import Exchange
from axis.conformance.evidence import Failed
from axis.conformance.registry import case
from axis.edxml import StatusPackage
from axis.intake.statuses import ALLOWED_AFTER, REPEATABLE

ACK_HINT = (
    "after committing a fetched package to the register, acknowledge it with updateStatus "
    "docid=<the listed docId> status=done (fail with a reason if it cannot be stored)"
)
REFUSAL_REASON = "Không đúng thẩm quyền (bộ kiểm thử)"
UPDATE_REFUSAL = "Không đồng ý cập nhật (bộ kiểm thử)"


def _is_ack(exchange: Exchange, delivery: str) -> bool:
    return (
        exchange.operation == "updateStatus"
        and exchange.param("docid") == delivery
        and exchange.param("status") == "done"
    )


async def acked(ctx: DmsContext, doc: KitDocument, since: int) -> Exchange:
    assert doc.fetch is not None
    delivery = doc.fetch.param("docId")
    return await ctx.wait_for(
        f"updateStatus docid={delivery} status=done after the fetch",
        lambda e: _is_ack(e, delivery),
        since=since,
        hint=ACK_HINT,
    )


async def in_register(ctx: DmsContext, doc: KitDocument) -> int:
    """The register's count for ``doc`` once the DMS committed it (waits up to the deadline)."""
    deadline = time.monotonic() + ctx.options.deadline_s
    while True:
        count = await ctx.driver.register_count(doc.sender, doc.pkg.document_id, doc.pkg.subject)
        if count or time.monotonic() > deadline:
            return count
        await asyncio.sleep(0.2)


async def walked(ctx: DmsContext) -> list[StatusPackage]:
    """A document the clerk receives, assigns, processes and finishes (once per run)."""

    async def work() -> list[StatusPackage]:
        doc = await ctx.delivered("walk")
        return [await ctx.act(doc, step) for step in ("receive", "assign", "process", "finish")]

    result: list[StatusPackage] = await ctx.step("walked", work)
    return result


async def refused(ctx: DmsContext) -> StatusPackage:
    """A document the clerk refuses with a reason (once per run)."""

    async def work() -> StatusPackage:
        return await ctx.act(await ctx.delivered("refuse"), "refuse", REFUSAL_REASON)

    result: StatusPackage = await ctx.step("refused", work)
    return result


@case(
    "DMS-RECV-001",
    "A document for its agency is listed, fetched, then acknowledged done",
    clause="docs/domain.md §6",
    hint=ACK_HINT,
)
async def list_fetch_ack(ctx: DmsContext) -> None:
    doc = await ctx.delivered("recv")
    assert doc.fetch is not None
    delivery = doc.fetch.param("docId")
    fetch_at = ctx.exchanges.index(doc.fetch)
    listed = [
        e
        for e in ctx.exchanges[doc.sent_index : fetch_at]
        if e.operation == "getReceivedEdocList"
        and any(row.get("docId") == delivery for row in e.payload.get("data") or [])
    ]
    if not listed:
        raise Failed(
            f"getReceivedEdocList listing {delivery} before the fetch", "no such list call"
        )
    early = [e for e in ctx.exchanges[doc.sent_index : fetch_at] if _is_ack(e, delivery)]
    if early:
        raise Failed("the acknowledgement after the fetch", early[0].summary())
    await acked(ctx, doc, fetch_at)


@case(
    "DMS-RECV-002",
    "The received document is in the DMS's incoming register, once",
    clause="docs/domain.md §6",
    hint="Commit each fetched document to the incoming register, keyed by sender and DocumentId.",
)
async def registered(ctx: DmsContext) -> None:
    doc = await ctx.delivered("recv")
    count = await in_register(ctx, doc)
    if count != 1:
        raise Failed(f"{doc.pkg.document_id} once in the register", f"{count} entries")


@case(
    "DMS-RECV-003",
    "A redelivered package (its acknowledgement lost) is stored once and acknowledged again",
    clause="docs/domain.md §6",
    hint="Before storing, look the package up by sender + DocumentId: if it is there, do not store it again, just acknowledge done again.",
)
async def redelivery(ctx: DmsContext) -> None:
    pkg_doc = await ctx.send_to_dms("redelivered")
    ctx.recorder.lose_ack(pkg_doc.sha256)
    first = await ctx.fetched(pkg_doc)
    assert first.fetch is not None
    delivery = first.fetch.param("docId")
    lost = await acked(ctx, first, ctx.exchanges.index(first.fetch))
    again = await ctx.wait_for(
        f"the DMS fetching {delivery} again (the hub still lists it)",
        lambda e: e.operation == "getEdoc" and e.param("docId") == delivery and e.ok,
        since=ctx.exchanges.index(lost) + 1,
        hint="keep listing: a delivery the hub still lists was not acknowledged",
    )
    await ctx.wait_for(
        f"updateStatus docid={delivery} status=done for the redelivery",
        lambda e: _is_ack(e, delivery) and e.forwarded,
        since=ctx.exchanges.index(again),
        hint=ACK_HINT,
    )
    count = await in_register(ctx, pkg_doc)
    if count != 1:
        raise Failed(
            f"{pkg_doc.pkg.document_id} once in the register after the redelivery",
            f"{count} entries",
        )


@case(
    "DMS-STATUS-001",
    "The clerk's steps reach the hub as statuses 03, 04, 05, 06, each on time",
    clause="docs/domain.md §5",
    hint="Send the status package for each clerk action (03 received, 04 assigned, 05 in progress, 06 done) at once or by the next poll.",
)
async def steps_reported(ctx: DmsContext) -> None:
    await walked(ctx)


@case(
    "DMS-STATUS-002",
    "A refusal is reported as status 02 with the clerk's reason",
    clause="docs/domain.md §5",
    hint="Report a refusal with StatusCode 02 and the reason in Description.",
)
async def refusal_reported(ctx: DmsContext) -> None:
    status = await refused(ctx)
    if REFUSAL_REASON not in status.description:
        raise Failed(f"Description containing {REFUSAL_REASON!r}", repr(status.description))


@case(
    "DMS-STATUS-003",
    "Statuses are sent in a valid order, each once (01 first, nothing after 02 or 06, 05 may repeat)",
    clause="docs/domain.md §5",
    hint="Report 01 on arrival, then 03, 04/05, 06 (or 02); never a code again except 05 (docs/business-rules.md).",
)
async def status_order(ctx: DmsContext) -> None:
    await walked(ctx)
    await refused(ctx)
    for label in ("walk", "refuse"):
        doc = await ctx.delivered(label)
        codes = [pkg.status_code for _, pkg in ctx.statuses_about(doc.pkg.document_id)]
        latest = ""
        for position, code in enumerate(codes):
            allowed = ALLOWED_AFTER.get(code, frozenset())
            repeated = code in codes[:position] and code not in REPEATABLE
            if latest not in allowed or repeated:
                raise Failed(
                    "statuses in the order of docs/domain.md §5",
                    f"for {doc.label}: {' → '.join(codes)} ({code} after {latest or 'nothing'})",
                )
            latest = code


@case(
    "DMS-STATUS-004",
    "Statuses name the document: ResponseFor has its sender, DocumentId and PromulgationDate",
    clause="docs/domain.md §5",
    hint="Fill ResponseFor from the received package: From/OrganId, DocumentId, Code and PromulgationDate.",
)
async def response_for(ctx: DmsContext) -> None:
    statuses = await walked(ctx)
    doc = await ctx.delivered("walk")
    want = (doc.sender, doc.pkg.document_id, doc.pkg.promulgation.promulgation_date)
    for status in statuses:
        got = status.response_for
        if (got.organ_id, got.document_id, got.promulgation_date) != want:
            raise Failed(
                f"ResponseFor {want}", str((got.organ_id, got.document_id, got.promulgation_date))
            )


@case(
    "DMS-STATUS-005",
    "Status Timestamps are yyyy/MM/dd HH:mm:ss of the moment reported",
    clause="docs/domain.md §5",
    severity="should",
    hint="Write Timestamp as yyyy/MM/dd HH:mm:ss, the time the status was reported.",
)
async def timestamps(ctx: DmsContext) -> None:
    now = datetime.now()
    for status in await walked(ctx):
        try:
            at = datetime.strptime(status.timestamp, "%Y/%m/%d %H:%M:%S")
        except ValueError:
            raise Failed("Timestamp yyyy/MM/dd HH:mm:ss", repr(status.timestamp)) from None
        if not now - timedelta(hours=1) <= at <= now + timedelta(minutes=5):
            raise Failed(f"a Timestamp near {now:%Y/%m/%d %H:%M:%S}", status.timestamp)


async def _change_answered(
    ctx: DmsContext, label: str, kind: int, agree: bool, note: str = ""
) -> StatusPackage:
    """Send ``label``, then a revoke/update/replace (kind 1-3) or a recall (13) of it; the
    clerk answers; the DMS's 15/16 about the original."""
    doc = await ctx.delivered(label)
    if kind == 13:
        change = await ctx.recall(doc)
    else:
        change = await ctx.send_to_dms(f"{label} (type {kind})", ctx.change_package(doc, kind))
    await ctx.fetched(change, f"the DMS fetching the {label} request")
    since = len(ctx.exchanges)
    await ctx.driver.answer_change(doc.sender, doc.pkg.document_id, doc.pkg.subject, agree, note)
    code = "15" if agree else "16"
    return await ctx.status_sent(
        doc, code, since, f"status {code} about {doc.pkg.document_id} for the {label}",
        f"answer a revoke/update/replace/recall with status {code} about the original document",
    )  # fmt: skip


@case(
    "DMS-BIZ-001",
    "A revoke (BussinessDocType 1) of a received document is answered 15 when the clerk agrees",
    clause="docs/domain.md §7",
    hint="A package with BussinessDocType 1 asks to revoke the DocumentId it names: mark it, let the clerk answer, send 15 (agree) or 16.",
)
async def revoke(ctx: DmsContext) -> None:
    await _change_answered(ctx, "revoke", 1, agree=True)


@case(
    "DMS-BIZ-002",
    "An update (BussinessDocType 2) the clerk refuses is answered 16 with the reason",
    clause="docs/domain.md §7",
    hint="Answer an update (BussinessDocType 2) with 16 and the clerk's reason in Description when refused.",
)
async def update_refused(ctx: DmsContext) -> None:
    status = await _change_answered(ctx, "update", 2, agree=False, note=UPDATE_REFUSAL)
    if UPDATE_REFUSAL not in status.description:
        raise Failed(f"Description containing {UPDATE_REFUSAL!r}", repr(status.description))


@case(
    "DMS-BIZ-003",
    "A replace (BussinessDocType 3, ReplacementInfoList) is answered 15 about the replaced document",
    clause="docs/domain.md §7",
    hint="A replace names the replaced DocumentId in ReplacementInfoList: answer 15/16 about that document.",
)
async def replaced(ctx: DmsContext) -> None:
    await _change_answered(ctx, "replace", 3, agree=True)


@case(
    "DMS-BIZ-004",
    "A recall (status 13) from the original sender is answered 15",
    clause="docs/domain.md §5",
    hint="List and fetch status packages too (messagetype status); a 13 about a received document awaits the clerk's 15 or 16.",
)
async def recalled(ctx: DmsContext) -> None:
    await _change_answered(ctx, "recall", 13, agree=True)
