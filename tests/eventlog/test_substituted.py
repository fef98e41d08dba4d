"""Reorganisation in the delivery log (docs/delivery-log.md, docs/tiers.md): a package for a
retired agency delivered to its successor leaves a ``substituted`` event, whether it was
waiting when the agency was retired (axis agencies retire) or sent afterwards (intake, 2.5.14).
Both backends."""

from __future__ import annotations

from axis.api.app import DAEMON
from axis.directory.reorganise import retire
from axis.eventlog import kinds
from tests.hub.conftest import A, B, document, package_bytes

RETIRED = "000.00.00.G15"
SUCCESSOR = "000.00.00.G10"


async def test_a_waiting_delivery_handed_to_the_successor_is_logged_substituted(hub, pki) -> None:
    reply = await hub.client(A).send_edoc(package_bytes(pki, document(A, (B, RETIRED))), A)
    assert reply["status"] == "OK", reply
    doc_id = str(reply["DocId"])
    old = {r.agency: r.delivery_id for r in await hub.store.recipients(doc_id)}[RETIRED]

    assert await retire(hub.store, RETIRED, [SUCCESSOR]) == 1
    await hub.store.chain_pending()

    new = {r.agency: r.delivery_id for r in await hub.store.recipients(doc_id)}[SUCCESSOR]
    events = await hub.store.events_for(doc_id)
    (substituted,) = [e for e in events if e.kind == kinds.SUBSTITUTED]
    assert (substituted.delivery_id, substituted.agency) == (old, RETIRED)
    assert substituted.detail == f"{SUCCESSOR} (delivery {new})"
    assert substituted.actor == "hub:vxp.national"  # the hop: the hub id
    routed = [e for e in events if e.kind == kinds.ROUTED and e.delivery_id == new]
    assert len(routed) == 1 and routed[0].agency == SUCCESSOR
    assert f"replaces {RETIRED}" in routed[0].detail
    assert events.index(substituted) < events.index(routed[0])


async def test_a_package_sent_to_a_retired_agency_is_logged_substituted_at_intake(hub, pki) -> None:
    await retire(hub.store, RETIRED, [SUCCESSOR])
    hub.app[DAEMON].directory.forget(RETIRED)  # the running hub's cache (TTL_S)
    original = document(A, (RETIRED,))
    reply = await hub.client(A).send_edoc(package_bytes(pki, original), A)
    assert reply["status"] == "OK" and "2.5.14" in str(reply), reply
    doc_id = str(reply["DocId"])
    await hub.store.chain_pending()

    (delivery,) = await hub.store.recipients(doc_id)
    events = await hub.store.events_for(doc_id)
    (substituted,) = [e for e in events if e.kind == kinds.SUBSTITUTED]
    assert substituted.agency == RETIRED and substituted.delivery_id == delivery.delivery_id
    assert substituted.detail == f"{SUCCESSOR} (delivery {delivery.delivery_id})"
    assert substituted.ref == original.document_id
