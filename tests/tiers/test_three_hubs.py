"""Three hubs on loopback (docs/tiers.md): a commune of Quảng Nam sends one package to a
ministry (national hub), a commune of Nghệ An (through national) and a department of its own
province (local); each gets it once, each answers 01 then 06, the sender sees all six."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

from adapters.vxp.client import VxpClient
from axis.delivery.signing import sign_push
from axis.directory import network
from axis.edxml import load, parse
from axis.edxml.trace import append_trace
from axis.pki import devpki
from axis.pki.trust import TrustStore
from axis.pki.xmldsig import verify
from tests.hub.conftest import document, package_bytes, status
from tests.tiers.conftest import Network, eventually, hub_processes

SENDER = "000.24.31.H47"  # a commune of Quảng Nam
MINISTRY = "000.00.00.G22"  # the Government Office, on the national hub
OTHER_PROVINCE = "000.24.31.H41"  # a commune of Nghệ An
OWN_DEPARTMENT = "000.00.08.H47"


async def _inbox(net: Network, agency: str, message_type: str = "edoc") -> list[dict[str, str]]:
    rows = await net.client(net.system_of(agency)).received_list(message_type)
    return [r for r in rows if r["to"] == agency]


@pytest.mark.parametrize("net", ["pull", "push"], indirect=True)
async def test_one_package_reaches_three_tiers_once_and_six_statuses_come_back(
    net: Network,
) -> None:
    original = document(SENDER, (MINISTRY, OTHER_PROVINCE, OWN_DEPARTMENT))
    data = package_bytes(net.pki, original)
    sender = net.client(net.system_of(SENDER))
    await sender.send_edoc(data, SENDER)

    copies: dict[str, bytes] = {}
    for agency in (MINISTRY, OTHER_PROVINCE, OWN_DEPARTMENT):
        rows = await eventually(lambda a=agency: _inbox(net, a))  # type: ignore[misc]
        assert len(rows) == 1, rows
        client = net.client(net.system_of(agency))
        copies[agency] = await client.get_edoc(rows[0]["docId"])
        await client.update_status(rows[0]["docId"], True)

    assert copies[OWN_DEPARTMENT] == data  # a local delivery stays byte-identical
    far = load(copies[OTHER_PROVINCE]).root
    trace = [t.organ_id for t in parse(far).traces]  # type: ignore[union-attr]
    assert trace == ["00.47.W00", "vxp.national", "00.41.W00"]
    verdict = verify(far, mode="required", trust=TrustStore.load(net.pki.trust_dir))
    assert verdict.kind == "verified"

    for agency in (MINISTRY, OTHER_PROVINCE, OWN_DEPARTMENT):
        reporter = net.client(net.system_of(agency))
        for code in ("01", "06"):
            await reporter.send_edoc(
                package_bytes(net.pki, status(agency, original, code)), agency, "status"
            )

    statuses = await eventually(lambda: _six(net), timeout_s=45)
    assert sorted((r["from"]) for r in statuses) == sorted(
        [MINISTRY, MINISTRY, OTHER_PROVINCE, OTHER_PROVINCE, OWN_DEPARTMENT, OWN_DEPARTMENT]
    )
    sent = await sender.sent_list()
    assert {r["toCode"]: r["receiveStatus"] for r in sent} == {
        MINISTRY: "06",
        OTHER_PROVINCE: "06",
        OWN_DEPARTMENT: "06",
    }
    # nothing doubled anywhere: one copy in each inbox, acknowledged
    for agency in (MINISTRY, OTHER_PROVINCE, OWN_DEPARTMENT):
        assert await _inbox(net, agency) == []


async def _six(net: Network) -> list[dict[str, str]] | None:
    rows = await _inbox(net, SENDER, "status")
    return rows if len(rows) >= 6 else None


async def test_a_package_already_through_this_hub_is_refused_as_a_loop(net: Network) -> None:
    data = package_bytes(net.pki, document(MINISTRY, (OTHER_PROVINCE,)))
    looped = append_trace(data, "vxp.national", "2026/11/23 10:00:00")
    client = net.client(net.system_of(MINISTRY))
    try:
        await client.send_edoc(looped, MINISTRY)
    except Exception as error:  # VxpError
        assert getattr(error, "code", "") == "5.5.12", error
    else:
        raise AssertionError("a loop was accepted")


@pytest.mark.parametrize("net", ["pull", "push"], indirect=True)
async def test_sigkill_of_the_national_hub_mid_flow_then_restart_completes_everything_once(
    net: Network,
) -> None:
    sender = net.client(net.system_of(SENDER))
    national = net.hubs["national"]
    packages = [document(SENDER, (OTHER_PROVINCE, MINISTRY)) for _ in range(30)]
    for original in packages[:10]:
        await sender.send_edoc(package_bytes(net.pki, original), SENDER)
    # mid-flow: the first packages are arriving down in Nghệ An, the others on their way
    await eventually(lambda: _inbox(net, OTHER_PROVINCE), timeout_s=30)
    national.kill()
    for original in packages[10:]:  # the province accepts and keeps what it cannot forward
        await sender.send_edoc(package_bytes(net.pki, original), SENDER)
    waiting = await eventually(lambda: _waiting_rows(net), timeout_s=20)
    assert "waiting at 00.47.W00" in waiting[0]["sendStatusDesc"]
    national.start()
    for agency in (OTHER_PROVINCE, MINISTRY):
        rows = await eventually(lambda a=agency: _exactly(net, a, 30), timeout_s=120)  # type: ignore[misc]
        assert len({r["docId"] for r in rows}) == 30
        client = net.client(net.system_of(agency))
        ids = {_document_id(await client.get_edoc(r["docId"])) for r in rows}
        assert ids == {p.document_id for p in packages}  # each document once, none lost


def _document_id(data: bytes) -> str:
    return str(parse(load(data).root).document_id)  # type: ignore[union-attr]


async def _waiting_rows(net: Network) -> list[dict[str, str]] | None:
    rows = await net.client(net.system_of(SENDER)).sent_list()
    waiting = [r for r in rows if "waiting at" in r["sendStatusDesc"]]
    return waiting or None


async def _exactly(net: Network, agency: str, count: int) -> list[dict[str, str]] | None:
    rows = await _inbox(net, agency)
    assert len(rows) <= count, f"{agency} got {len(rows)} copies of {count}"
    return rows if len(rows) == count else None


def trace_events(net: Network, hub: str, document_id: str) -> list[dict[str, str]]:
    """``axis trace DOCUMENTID --json`` on one hub (its own config and store)."""
    config = net.hubs[hub].data_dir / "bench.toml"
    found = subprocess.run(
        [sys.executable, "-m", "axis", "trace", document_id, "--config", str(config), "--json"],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    return list(json.loads(found.stdout)["events"])


@pytest.mark.parametrize("net", ["pull", "push"], indirect=True)
async def test_a_package_crossing_three_tiers_shows_each_forwarded_hop_in_the_hubs_traces(
    net: Network,
) -> None:
    original = document(SENDER, (OTHER_PROVINCE,))
    await net.client(net.system_of(SENDER)).send_edoc(package_bytes(net.pki, original), SENDER)
    [row] = await eventually(lambda: _inbox(net, OTHER_PROVINCE))
    receiver = net.client(net.system_of(OTHER_PROVINCE))
    far = load(await receiver.get_edoc(row["docId"])).root
    assert [t.organ_id for t in parse(far).traces] == ["00.47.W00", "vxp.national", "00.41.W00"]  # type: ignore[union-attr]
    await receiver.update_status(row["docId"], True)

    async def hops() -> list[tuple[str, str]] | None:
        found = [
            (hub, str(e["system_id"]))
            for hub in ("h47", "national")
            for e in trace_events(net, hub, original.document_id)
            if e["kind"] == "forwarded"
        ]
        return found if len(found) >= 2 else None

    # Quảng Nam handed it up to national, national handed it down to Nghệ An's hub: once each
    assert await eventually(hops, timeout_s=20) == [
        ("h47", "upstream:national"),
        ("national", "00.41.W00"),
    ]
    kinds = [e["kind"] for e in trace_events(net, "h41", original.document_id)]
    assert kinds[:1] == ["received"] and "forwarded" not in kinds


async def test_a_push_to_the_bridge_not_signed_by_the_upstream_is_refused(net: Network) -> None:
    url = f"{net.hubs['h41'].endpoint}/bridge/push"
    data = package_bytes(net.pki, document(MINISTRY, (OTHER_PROVINCE,)))
    params = {
        "systemid": "00.41.W00", "docid": "x", "to": OTHER_PROVINCE, "messagetype": "edoc",
        "attempt": "1", "hash-file": hashlib.sha256(data).hexdigest(), "from": MINISTRY,
    }  # fmt: skip
    forged = sign_push("not-the-secret", params, datetime.now(UTC))
    for headers in ({}, forged):
        async with net.session.post(url, data=data, headers=headers) as reply:
            assert reply.status == 401
            assert (await reply.json())["ErrorCode"] == "5.8.18"
    assert await _inbox(net, OTHER_PROVINCE) == []  # nothing stored


UNKNOWN_IN_PROVINCE = "000.77.31.H41"  # registered on the national hub only


@pytest.mark.parametrize("net", ["pull", "push"], indirect=True)
async def test_a_package_the_province_refuses_reaches_its_sender_as_failed_with_the_code(
    net: Network,
) -> None:
    hub_secret = str(net.hubs["h41"].extra_config.split('secret = "')[1].split('"')[0])
    province = VxpClient(
        net.hubs["national"].endpoint, "00.41.W00", hub_secret, session=net.session
    )
    body = {"id": UNKNOWN_IN_PROVINCE, "code": UNKNOWN_IN_PROVINCE, "pcode": "00.41.W00",
            "name": "Xã chưa có ở tỉnh (test)"}  # fmt: skip
    await province.call("registerAgency", {}, json.dumps(body).encode())
    sender = net.client(net.system_of(MINISTRY))
    await sender.send_edoc(
        package_bytes(net.pki, document(MINISTRY, (UNKNOWN_IN_PROVINCE,))), MINISTRY
    )

    async def refused() -> dict[str, str] | None:
        rows = [r for r in await sender.sent_list() if r["toCode"] == UNKNOWN_IN_PROVINCE]
        return rows[0] if rows and rows[0]["sendStatus"] == "fail" else None

    row = await eventually(refused, timeout_s=30)
    assert "5.5.1" in row["sendStatusDesc"], row  # the province's own code, seen by the sender


async def test_pushes_a_province_does_not_accept_are_held_not_failed_until_the_secret_is_fixed(
    network_dir: tuple[Path, list[network.HubPlan]],
) -> None:
    base, plans = network_dir
    hubs = hub_processes(base, plans, down="push")
    national = hubs["national"]
    h41_url = f'url = "{hubs["h41"].endpoint}/bridge/push"'
    right = national.extra_config
    national.extra_config = right.replace(h41_url, f'{h41_url}\nsecret = "not-the-secret"')
    systems = {e["system_id"]: e for e in json.loads((base / "demo" / "systems.json").read_text())}
    try:
        for hub in hubs.values():
            hub.start()
        async with aiohttp.ClientSession() as session:
            net = Network(base, hubs, systems, devpki.DevPki(base / "demo" / "pki"), session, plans)
            sender = net.client(net.system_of(MINISTRY))
            await sender.send_edoc(
                package_bytes(net.pki, document(MINISTRY, (OTHER_PROVINCE,))), MINISTRY
            )

            async def held() -> dict[str, str] | None:
                rows = [r for r in await sender.sent_list() if r["toCode"] == OTHER_PROVINCE]
                return rows[0] if rows and "did not accept" in rows[0]["sendStatusDesc"] else None

            row = await eventually(held, timeout_s=30)
            assert row["sendStatus"] == "queued" and row["sendStatusDesc"].startswith("4.9.3")
            national.stop()
            national.extra_config = right  # the operator fixes the secret
            national.start()
            [arrived] = await eventually(lambda: _exactly(net, OTHER_PROVINCE, 1), timeout_s=60)
            assert arrived["from"] == MINISTRY
    finally:
        for hub in hubs.values():
            hub.stop()
