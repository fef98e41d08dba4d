"""The reorganisation (docs/tiers.md): retiring agencies while documents wait for them, then
packages addressed to retired ids, on the national hub of the three-hub network."""

from __future__ import annotations

import asyncio
import subprocess
import sys

from adapters.vxp.client import VxpError, java_hex_sha256
from tests.support.packages import make_package
from tests.tiers.conftest import Network, eventually

SENDER = "000.00.00.G10"
RETIRED = "000.00.00.G15"
SUCCESSOR = "000.00.00.G22"
QUEUED = 1000


def _retire(net: Network, *args: str) -> str:
    config = net.hubs["national"].data_dir / "bench.toml"
    done = subprocess.run(
        [sys.executable, "-m", "axis", "agencies", "--config", str(config), "retire", *args],
        capture_output=True, text=True, check=True, cwd=net.hubs["national"].data_dir,
    )  # fmt: skip
    return done.stdout


async def test_documents_queued_for_retired_agencies_reach_the_successor_once(
    net: Network,
) -> None:
    sender = net.client(net.system_of(SENDER))
    sem = asyncio.Semaphore(8)

    async def send(number: int) -> None:
        async with sem:
            await sender.send_edoc(
                make_package(SENDER, [RETIRED], size_kb=2, number=number), SENDER
            )

    await asyncio.gather(*(send(n) for n in range(QUEUED)))
    out = _retire(net, RETIRED, "--successor", SUCCESSOR)
    assert f"{QUEUED} waiting deliveries" in out

    successor = net.client(net.system_of(SUCCESSOR))
    rows = [r for r in await successor.received_list() if r["to"] == SUCCESSOR]
    assert len(rows) == QUEUED and len({r["docId"] for r in rows}) == QUEUED
    sent = (await sender.call("getSentEdocList", {"limit": str(3 * QUEUED)}))["data"]
    by_doc: dict[str, dict[str, str]] = {}
    for row in sent:
        by_doc.setdefault(row["senderDocId"], {})[row["toCode"]] = row["sendStatusDesc"]
    assert len(by_doc) == QUEUED
    for recipients in by_doc.values():  # every sender is told where it went
        assert recipients[RETIRED] == f"{RETIRED} retired; delivered to {SUCCESSOR}"
        assert SUCCESSOR in recipients

    # later packages to the retired id go to the successor with 2.5.14
    await asyncio.sleep(5.5)  # the directory cache (axis/directory TTL_S) in the running hub
    data = make_package(SENDER, [RETIRED], size_kb=2, number=QUEUED + 1)
    reply = await sender.call(
        "sendEdoc",
        {"servicetype": "eDoc", "messagetype": "edoc", "from": SENDER,
         "hash-file": java_hex_sha256(data)},
        data + b"\r\n", "application/octet-stream",
    )  # fmt: skip
    assert "2.5.14" in str(reply["warnings"]), reply  # (besides 2.3.1: sent unsigned)
    await eventually(lambda: _count(successor, SUCCESSOR, QUEUED + 1), timeout_s=10)


async def _count(client: object, agency: str, wanted: int) -> bool:
    rows = await client.received_list()  # type: ignore[attr-defined]
    return len([r for r in rows if r["to"] == agency]) == wanted


async def test_a_retired_agency_without_successor_is_refused(net: Network) -> None:
    _retire(net, RETIRED)
    await asyncio.sleep(5.5)  # the directory cache (axis/directory TTL_S) in the running hub
    sender = net.client(net.system_of(SENDER))
    try:
        await sender.send_edoc(make_package(SENDER, [RETIRED], size_kb=2), SENDER)
    except VxpError as error:
        assert error.code == "5.5.15", error
    else:
        raise AssertionError("a package for a retired agency without successor was accepted")
