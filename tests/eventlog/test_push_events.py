"""The queue manager's transitions (axis/store/push_*.py) are events of the one chain, with the
document they belong to (both backends): retried, quarantined, released, pushed, failed,
expired."""

from __future__ import annotations

import uuid

from axis.eventlog import kinds
from axis.eventlog.verify import verify_store
from axis.store import open_store
from axis.store.base import AgencyRow, NewDelivery
from axis.store.sqlite import now
from tests.store.conftest import new_document

SENDER, RECIPIENT, ROUTE = "000.00.00.G22", "000.00.00.H47", "00.47.W00"


async def test_push_outcomes_are_chained_events_of_their_document(hub_cfg) -> None:
    store = await open_store(hub_cfg)
    try:
        await store.import_agencies([AgencyRow(SENDER, system_id="00.00.G22"),
                                     AgencyRow(RECIPIENT, system_id=ROUTE)])  # fmt: skip
        ids = {}
        for name in ("pushed", "failed", "expired"):
            doc = new_document(uuid.uuid4().bytes)
            delivery = NewDelivery(str(uuid.uuid4()), RECIPIENT, "edoc", ROUTE)
            await store.save_incoming(doc, [delivery])
            ids[name] = (doc.id, delivery.id)
        doc_id, delivery_id = ids["pushed"]
        await store.push_retry(delivery_id, now(), "503 from the endpoint")
        await store.push_quarantine(delivery_id, "adapter raised")
        assert await store.push_release(delivery_id)
        assert await store.push_done(delivery_id, ROUTE, "HTTP 200")
        assert await store.push_give_up(ids["failed"][1], ROUTE, "fail", "HTTP 400")
        # pushed and failed are final; what is left (the third) expires by its age
        assert await store.push_expire(ROUTE, "9999-01-01", "9999-01-01", "lifetime over") == 1
        timeline = [(e.kind, e.code) for e in await store.events_for(doc_id)]
        assert timeline == [
            (kinds.RECEIVED, ""), (kinds.ROUTED, ""), (kinds.RETRIED, ""),
            (kinds.QUARANTINED, ""), (kinds.RELEASED, ""), (kinds.PUSHED, "done"),
        ]  # fmt: skip
        failed = await store.events_for(ids["failed"][0])
        assert (failed[-1].kind, failed[-1].code, failed[-1].agency) == (
            kinds.FAILED,
            "fail",
            RECIPIENT,
        )
        expired = await store.events_for(ids["expired"][0])
        assert (expired[-1].kind, expired[-1].detail) == (kinds.EXPIRED, "lifetime over")
        assert expired[-1].actor == "hub:vxp.national"
        report = await verify_store(store, None)
        assert report.ok, report.problems
    finally:
        await store.close()
