"""Forwarding up through the queue manager (docs/tiers.md "The bridge"): the endpoint
``upstream:national`` of a provincial hub's store (both backends) and a real national hub
(the app on 127.0.0.1:0, SQLite) as its upstream; time is a ManualClock."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from adapters.vxp.client import VxpClient
from axis import config as config_mod
from axis.api.app import create_app, server_args
from axis.config import Config
from axis.delivery import Adapter
from axis.delivery.clock import ManualClock, iso
from axis.delivery.queue import Policy, QueueManager
from axis.delivery.registry import policies_for
from axis.delivery.upstream import UpstreamAdapter
from axis.pki import devpki
from axis.store.base import NewDelivery, NewDocument, Store
from tests.delivery.conftest import DELIVERY, SECRETS, settle
from tests.hub.conftest import document, hub_config, package_bytes, seed
from tests.support.hubproc import free_port

PROVINCE_SYSTEM, SENDER = "00.47.W00", "000.00.00.H47"  # Quảng Nam's hub and its People's Committee
MINISTRY, OTHER = "000.00.00.G22", "000.00.00.G10"  # both served on the national hub
ROUTE = "upstream:national"
_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> devpki.DevPki:
    agencies = [(SENDER, "UBND tỉnh Quảng Nam"), (MINISTRY, "VPCP"), (OTHER, "Bộ (demo)")]
    return devpki.init(tmp_path_factory.mktemp("pki"), agencies, key_type="ec")


@pytest.fixture
async def national(aiohttp_server: Any, tmp_path: Path, pki: devpki.DevPki) -> AsyncIterator[str]:
    cfg = hub_config(tmp_path / "national", pki)
    await seed(cfg)
    server = await aiohttp_server(create_app(cfg), **server_args(cfg))
    yield str(server.make_url("")).rstrip("/")


def province(url: str, **upstream: Any) -> Config:
    cfg = config_mod.replace(config_mod.Config(), "upstream", url=url, system_id=PROVINCE_SYSTEM,
                             secret=SECRETS[PROVINCE_SYSTEM], **upstream)  # fmt: skip
    return cfg


async def accept_for_upstream(
    store: Store, data: bytes, recipients: tuple[str, ...]
) -> tuple[str, list[str]]:
    """A package from the sender stored on the province, each recipient routed up: its DocId
    and delivery ids."""
    n = next(_numbers)
    doc = NewDocument(
        id=f"up-{n:06d}", from_agency=SENDER, system_id=PROVINCE_SYSTEM, message_type="edoc",
        document_id=f"{SENDER},2026/12/03,{n}/UP", business_type=0, original_id=None,
        status_code="", sha256=hashlib.sha256(data).hexdigest(), data=data,
        subject=f"Công văn {n}", notation=f"{n}/UP", findings=(),
        created_at=iso(ManualClock().now()),
    )  # fmt: skip
    deliveries = [
        NewDelivery(f"up-{n:06d}-{i}", a, "edoc", ROUTE) for i, a in enumerate(recipients)
    ]
    await store.save_incoming(doc, deliveries)
    return doc.id, [d.id for d in deliveries]


def manager(store: Store, cfg: Config, clock: ManualClock) -> QueueManager:
    adapters: dict[str, Adapter] = {ROUTE: UpstreamAdapter(cfg)}
    policies = policies_for(cfg, adapters)
    return QueueManager(store, DELIVERY, adapters, clock, policies=policies)


async def test_forwarding_up_is_a_queue_manager_endpoint_one_upload_and_each_hop_recorded(
    store: Store, national: str, pki: devpki.DevPki
) -> None:
    cfg = province(national)
    data = package_bytes(pki, document(SENDER, (MINISTRY, OTHER)))
    doc_id, ids = await accept_for_upstream(store, data, (MINISTRY, OTHER))
    queue = manager(store, cfg, ManualClock())
    assert queue.endpoints[ROUTE].policy == Policy(16, 30.0, (1, 2, 4, 8, 16, 32, 60), 60.0)
    assert await settle(queue) == 2
    sent = {r.delivery_id: r for r in await store.list_sent(PROVINCE_SYSTEM)}
    details = {sent[i].last_error for i in ids}
    assert {sent[i].state for i in ids} == {"done"}
    # the two recipients' deliveries share one upload: one DocId on the national hub
    assert len(details) == 1 and details.pop().startswith("forwarded to national (DocId ")
    events = [e for e in await store.events_for(doc_id) if e.kind == "forwarded"]
    assert sorted(e.delivery_id for e in events) == sorted(ids)
    assert {e.system_id for e in events} == {ROUTE}
    async with aiohttp.ClientSession() as session:
        ministry = VxpClient(national, "00.00.G22", SECRETS["00.00.G22"], session=session)
        assert len([r for r in await ministry.received_list() if r["to"] == MINISTRY]) == 1
    assert await settle(queue) == 0  # done is final
    await queue.close()


async def test_while_the_upstream_is_down_the_sender_sees_where_it_waits_and_retries_come_fast(
    store: Store, pki: devpki.DevPki
) -> None:
    cfg = province(f"http://127.0.0.1:{free_port()}", retry_max_s=8.0)  # nobody listens
    data = package_bytes(pki, document(SENDER, (MINISTRY,)))
    _, [delivery] = await accept_for_upstream(store, data, (MINISTRY,))
    clock = ManualClock()
    queue = manager(store, cfg, clock)
    start, tried_at = clock.now(), []
    for _ in range(30):  # thirty simulated seconds, a round every second
        if await settle(queue):
            tried_at.append(round(clock.now() - start))
        clock.advance(1.0)
    # a hub hop's backoff: 1, 2, 4 s, then upstream.retry_max_s (not delivery.backoff_s)
    assert tried_at == [0, 1, 3, 7, 15, 23], tried_at
    [row] = [r for r in await store.list_sent(PROVINCE_SYSTEM) if r.delivery_id == delivery]
    assert row.state == "queued"
    assert (
        "4.9.3 delivery.endpoint-unavailable: waiting at 00.47.W00 for national" in row.last_error
    )
    await queue.close()


async def test_a_forward_leased_by_a_node_that_died_goes_again_after_the_short_hub_lease(
    store: Store, national: str, pki: devpki.DevPki
) -> None:
    cfg = province(national)
    data = package_bytes(pki, document(SENDER, (MINISTRY,)))
    _, [delivery] = await accept_for_upstream(store, data, (MINISTRY,))
    clock = ManualClock()
    queue = manager(store, cfg, clock)
    lease_s = queue.endpoints[ROUTE].policy.lease_s
    # a node took it under the hub hop's lease and was SIGKILLed before any outcome
    [taken] = await store.push_take(ROUTE, iso(clock.now()), iso(clock.now() + lease_s), 10)
    assert taken.delivery_id == delivery and lease_s == cfg.upstream.lease_s == 30.0
    clock.advance(lease_s - 1)
    assert await settle(queue) == 0  # still leased
    clock.advance(2)
    assert await settle(queue) == 1  # not delivery.lease_s (300 s) later
    [row] = [r for r in await store.list_sent(PROVINCE_SYSTEM) if r.delivery_id == delivery]
    assert row.state == "done" and row.last_error.startswith("forwarded to national")
    await queue.close()
