"""Failure notices: the status package a sender gets when a delivery expires or is refused.

Runs in the queue manager's rounds (queue.py), after the store has ended a push delivery
``expired`` (5.9.1) or ``fail`` (5.9.2) and, in that same transaction, recorded a notice
(axis/store/push_notices.py). For each open notice this builds a status package about the
document and the recipient not reached (docs/domain.md §5: From = that recipient, ResponseFor =
the document, StatusCode ``delivery.failure_status``, Description = ``axis`` + the hub's code
and reason), signs it with the hub's key (hub.key_dir, the receipts' ReceiptSigner) so a DMS
can tell it from the recipient's own status, and stores it with one ``status`` delivery to the
original sender's agency, closing the notice in the same transaction. It is then delivered like
any status: listed for pull (SDK door and gateway door alike) or pushed. Without a hub key it is
stored unsigned with warning 2.9.5. docs/decisions.md "A hub-made status 02 when a delivery
fails" says why 02; docs/delivery.md "What the sender sees" holds the guarantees.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from datetime import datetime

from axis import logs
from axis.directory import Directory, Route
from axis.edxml import build
from axis.edxml.model import Organization, ResponseFor, StaffInfo, StatusPackage
from axis.errors import Rejected
from axis.receipts import ReceiptSigner
from axis.store.base import DocumentRef, FailureNotice, NewDelivery, NewDocument, Store, new_id
from axis.store.push_sqlite import now

log = logs.get("axis.delivery")
# What a hub-made status's document row names as its sending system: no connected system has
# this id, so it is in nobody's sent list.
HUB_SYSTEM = "axis-hub"
UNSIGNED = ("2.9.5", "no key in hub.key_dir: the status is unsigned")


class FailureNotices:
    """Issues the open notices; ``code`` is delivery.failure_status (never "off" here)."""

    def __init__(
        self,
        store: Store,
        directory: Directory,
        signer: ReceiptSigner,
        code: str = "02",
        hub_name: str = "axis",
        wake: Callable[[list[str]], None] | None = None,
    ) -> None:
        self.store, self.directory, self.signer = store, directory, signer
        self.code, self.hub_name, self.wake = code, hub_name, wake

    @property
    def signed(self) -> bool:
        return self.signer.key_pem is not None and self.signer.cert_pem is not None

    async def issue_pending(self, page: int = 100) -> int:
        """Every open notice, a page at a time; how many statuses this call stored."""
        issued = 0
        while True:
            notices = await self.store.notices_pending(page)
            for notice in notices:
                issued += await self.issue(notice)
            if len(notices) < page:
                return issued

    async def issue(self, notice: FailureNotice) -> int:
        """One notice: 1 if its status was stored here, 0 if closed without one or by another
        node (the store's conditional close decides: never two)."""
        original = await self.store.get_document(notice.doc_id)
        if original is None:
            return await self._close(notice, "the document is no longer stored")
        try:
            routes = await self.directory.routes([original.from_agency])
        except Rejected as exc:  # the sender left the directory: nobody to tell
            return await self._close(notice, f"{exc.code.code}: {exc.reason}")
        route = routes.get(original.from_agency) or next(iter(routes.values()))
        doc = await self._document(notice, original)
        delivery = NewDelivery(new_id(), route.agency, "status", route.name,
                               route.retired_for)  # fmt: skip
        if not await self.store.notice_issue(notice.delivery_id, now(), doc, [delivery]):
            return 0
        self._issued(notice, doc, route)
        return 1

    async def _close(self, notice: FailureNotice, note: str) -> int:
        await self.store.notice_issue(notice.delivery_id, now(), None, [], note)
        log.warning("failure status not issued", delivery_id=notice.delivery_id, reason=note)
        return 0

    def _issued(self, notice: FailureNotice, doc: NewDocument, route: Route) -> None:
        log.info("failure status issued", doc_id=doc.id, delivery_id=notice.delivery_id,
                 recipient=route.agency, about=notice.agency, state=notice.state)  # fmt: skip
        if self.wake is not None:
            self.wake([route.name])

    async def _document(self, notice: FailureNotice, original: DocumentRef) -> NewDocument:
        reporter = await self.store.get_agency(notice.agency)
        package = status_package(notice, original, reporter.name if reporter else "",
                                 self.code, self.hub_name)  # fmt: skip
        data = build(package)
        if self.signed:
            assert self.signer.key_pem is not None and self.signer.cert_pem is not None
            from axis.pki.xmldsig import sign

            data = await asyncio.to_thread(sign, data, self.signer.key_pem, self.signer.cert_pem)
        return NewDocument(
            id=new_id(), from_agency=notice.agency, system_id=HUB_SYSTEM,
            message_type="status", document_id=original.document_id, business_type=0,
            original_id=original.id, status_code=self.code,
            sha256=hashlib.sha256(data).hexdigest(), data=data,
            subject=package.description[:500], notation="",
            findings=() if self.signed else (UNSIGNED,), created_at=now(),
        )  # fmt: skip


def status_package(
    notice: FailureNotice, original: DocumentRef, reporter_name: str, code: str, hub: str
) -> StatusPackage:
    """The status about ``original`` from the recipient ``notice`` names (docs/domain.md §5).

    ResponseFor's Code and PromulgationDate come from the DocumentId ("OrganId,Date,Code",
    docs/domain.md §3), so the original's bytes need not be read."""
    parts = original.document_id.split(",", 2)
    date, number = (parts[1], parts[2]) if len(parts) == 3 else ("", original.notation)
    return StatusPackage(
        sender=Organization(organ_id=notice.agency, organ_name=reporter_name),
        response_for=ResponseFor(original.from_agency, number, date, original.document_id),
        staff=StaffInfo(department=f"axis {hub}", staff="axis"),
        status_code=code,
        description=f"axis {notice.reason}"[:1000],
        timestamp=datetime.now().astimezone().strftime("%Y/%m/%d %H:%M:%S"),
    )
