"""Statuses between hubs keep their order (docs/decisions.md "Status packages keep their order
between hubs"): three hubs on loopback (conftest.py), the down hop pushed, and on one hop a
proxy (tests/support/hold_proxy.py) that holds the first status package back until a later
one has been answered, or 2 s. An agency's 01 and 06 then cross that hop in that order,
neither refused: down (the national hub pushes a ministry's statuses to Quảng Nam) and up
(Nghệ An forwards a commune's statuses to the national hub). Before the fix the 06 overtook
the 01 and the next hub refused the 01 for good (5.6.7 "01 cannot follow 06")."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from axis.directory import network
from tests.hub.conftest import document, package_bytes, status
from tests.support.hold_proxy import HoldProxy
from tests.tiers.conftest import Network, eventually, running
from tests.tiers.test_three_hubs import MINISTRY, OTHER_PROVINCE, SENDER, _exactly, _inbox

Hubs = tuple[Path, list[network.HubPlan]]


def _plan(plans: list[network.HubPlan], name: str) -> network.HubPlan:
    return next(p for p in plans if p.name == name)


@pytest.fixture
async def held_down(network_dir: Hubs) -> AsyncIterator[tuple[Network, HoldProxy]]:
    """The national hub pushes down to Quảng Nam (h47) through the proxy."""
    base, plans = network_dir
    proxy = await HoldProxy(_plan(plans, "h47").endpoint).start()
    try:
        async with running(base, plans, down="push", push_ports={"h47": proxy.port}) as net:
            yield net, proxy
    finally:
        await proxy.stop()


@pytest.fixture
async def held_up(network_dir: Hubs) -> AsyncIterator[tuple[Network, HoldProxy]]:
    """Nghệ An (h41) reaches its upstream, the national hub, through the proxy."""
    base, plans = network_dir
    proxy = await HoldProxy(_plan(plans, network.NATIONAL).endpoint).start()
    _plan(plans, "h41").config["upstream"]["url"] = proxy.url
    try:
        async with running(base, plans, down="push") as net:
            yield net, proxy
    finally:
        await proxy.stop()


async def test_an_agencys_01_and_06_pushed_down_arrive_in_order_when_the_01_is_slow(
    held_down: tuple[Network, HoldProxy],
) -> None:
    net, proxy = held_down
    await _both_statuses_reach_the_sender(net, proxy, MINISTRY)


async def test_an_agencys_01_and_06_forwarded_up_arrive_in_order_when_the_01_is_slow(
    held_up: tuple[Network, HoldProxy],
) -> None:
    net, proxy = held_up
    await _both_statuses_reach_the_sender(net, proxy, OTHER_PROVINCE)


async def _both_statuses_reach_the_sender(net: Network, proxy: HoldProxy, agency: str) -> None:
    """SENDER (Quảng Nam) sends ``agency`` a document; ``agency`` reports 01 then 06 at once."""
    original = document(SENDER, (agency,))
    await net.client(net.system_of(SENDER)).send_edoc(package_bytes(net.pki, original), SENDER)
    [row] = await eventually(lambda: _exactly(net, agency, 1), timeout_s=45)
    reporter = net.client(net.system_of(agency))
    await reporter.update_status(row["docId"], True)
    for code in ("01", "06"):
        await reporter.send_edoc(
            package_bytes(net.pki, status(agency, original, code)), agency, "status"
        )

    async def crossed() -> list[tuple[str, int]] | None:
        return proxy.answered if len(proxy.answered) >= 2 else None

    # the hop carried the 01 first (held 2 s, nothing overtook it), then the 06; both taken
    assert await eventually(crossed, timeout_s=45) == [("01", 200), ("06", 200)]
    assert proxy.most_in_flight == 1

    async def both() -> list[dict[str, str]] | None:
        rows = [r for r in await _inbox(net, SENDER, "status") if r["from"] == agency]
        return rows if len(rows) >= 2 else None

    assert len(await eventually(both, timeout_s=45)) == 2
    sent = await net.client(net.system_of(SENDER)).sent_list()
    assert [r["receiveStatus"] for r in sent if r["toCode"] == agency] == ["06"]
