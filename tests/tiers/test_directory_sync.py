"""Directory sync (docs/tiers.md "Directory sync"): an agency registered on the national hub
reaches a provincial hub within one sync period; the cost of syncing 120,000 agencies is
measured and printed (not asserted: it depends on the machine)."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from adapters.vxp.client import VxpClient
from axis.bridge.sync import sync_once
from axis.config import from_dict
from axis.directory import Directory, network
from axis.store import open_store
from axis.store.base import AgencyRow
from tests.tiers.conftest import Network, eventually, running

SYNC_S = 1.0
NEW_AGENCY = "000.01.00.G22"  # a new unit under the Government Office, registered upstream


@pytest.fixture
async def fast_sync_net(
    network_dir: tuple[Path, list[network.HubPlan]],
) -> AsyncIterator[Network]:
    base, plans = network_dir
    plans = [_with_sync_period(plan) for plan in plans]
    async with running(base, plans) as net:
        yield net


def _with_sync_period(plan: network.HubPlan) -> network.HubPlan:
    if "upstream" not in plan.config:
        return plan
    upstream = {**plan.config["upstream"], "sync_interval_s": SYNC_S}
    return replace(plan, config={**plan.config, "upstream": upstream})


async def test_an_agency_registered_upstream_reaches_the_province_within_one_sync_period(
    fast_sync_net: Network,
) -> None:
    net = fast_sync_net
    province = net.client("00.47.D02")

    async def known_in_province() -> bool:
        return any(row.get("id") == NEW_AGENCY for row in await province.agencies())

    assert not await known_in_province()
    body = {"id": NEW_AGENCY, "code": NEW_AGENCY, "pcode": "000.00.00.G22", "name": "Cục mới"}
    await net.client("00.00.G22").call(
        "registerAgency", {}, json.dumps(body, ensure_ascii=False).encode()
    )
    registered = time.monotonic()
    await eventually(known_in_province, timeout_s=SYNC_S + 10)
    took = time.monotonic() - registered
    print(f"\nnew upstream agency known in the province after {took:.2f} s (period {SYNC_S} s)")
    # one period, plus the sync's own work and the list call that observes it
    assert took < SYNC_S + 3


async def test_the_cost_of_a_sync_of_120000_agencies(net: Network, tmp_path: Path) -> None:
    """Measured: 120,000 agencies on the national hub, one sync_once from a provincial
    store (the bridge's own function over the SDK API), list + import timed and printed."""
    national = network.NATIONAL
    pki_dir = net.base / "demo" / "pki"
    plan = network.HubPlan(national, net.hubs[national].port, net.base / national, {})
    rows = [
        AgencyRow(
            id=f"{i % 1000:03d}.{i // 1000 % 100:02d}.{i // 100000:02d}.K01",
            pid="000.00.00.G22",
            name=f"Đơn vị {i}",
        )
        for i in range(120_000)
    ]
    store = await open_store(network.hub_config(plan, pki_dir))
    try:
        await store.import_agencies(rows)
    finally:
        await store.close()

    entry = net.systems["00.00.G22"]  # any system may list; the province lists as its hub id
    province_store = await open_store(from_dict({"hub": {"data_dir": str(tmp_path / "province")}}))
    try:
        client = VxpClient(entry["endpoint"], "00.00.G22", entry["secret"], session=net.session)
        started = time.perf_counter()
        listed = await client.agencies()
        listed_s = time.perf_counter() - started
        result = await sync_once(province_store, Directory(province_store), client, "national")
        total_s = time.perf_counter() - started - listed_s
        count = await province_store.count_agencies()
    finally:
        await province_store.close()
    assert result.learned >= 120_000 and count >= 120_000
    print(
        f"\nsync of {len(listed)} agencies: getAgenciesList {listed_s:.2f} s; "
        f"sync_once (list + import) {total_s:.2f} s"
    )
