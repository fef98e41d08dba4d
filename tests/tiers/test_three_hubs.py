"""Three hubs on loopback (docs/tiers.md): a commune of Quảng Nam sends one package to a
ministry (national hub), a commune of Nghệ An (through national) and a department of its own
province (local); each gets it once, each answers 01 then 06, the sender sees all six."""

from __future__ import annotations

from axis.edxml import load, parse
from axis.edxml.trace import append_trace
from axis.pki.trust import TrustStore
from axis.pki.xmldsig import verify
from tests.hub.conftest import document, package_bytes, status
from tests.tiers.conftest import Network, eventually

SENDER = "000.24.31.H47"  # a commune of Quảng Nam
MINISTRY = "000.00.00.G22"  # the Government Office, on the national hub
OTHER_PROVINCE = "000.24.31.H41"  # a commune of Nghệ An
OWN_DEPARTMENT = "000.00.08.H47"


async def _inbox(net: Network, agency: str, message_type: str = "edoc") -> list[dict[str, str]]:
    rows = await net.client(net.system_of(agency)).received_list(message_type)
    return [r for r in rows if r["to"] == agency]


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


async def test_sigkill_of_the_national_hub_mid_flow_loses_and_doubles_nothing(
    net: Network,
) -> None:
    sender = net.client(net.system_of(SENDER))
    national = net.hubs["national"]
    national.kill()  # the province accepts and keeps what it cannot forward yet
    packages = [document(SENDER, (OTHER_PROVINCE, MINISTRY)) for _ in range(20)]
    for original in packages:
        await sender.send_edoc(package_bytes(net.pki, original), SENDER)
    waiting = await eventually(lambda: _waiting_rows(net), timeout_s=20)
    assert "waiting at 00.47.W00" in waiting[0]["sendStatusDesc"]
    national.start()
    for agency in (OTHER_PROVINCE, MINISTRY):
        rows = await eventually(lambda a=agency: _exactly(net, a, 20), timeout_s=60)  # type: ignore[misc]
        assert len({r["docId"] for r in rows}) == 20


async def _waiting_rows(net: Network) -> list[dict[str, str]] | None:
    rows = await net.client(net.system_of(SENDER)).sent_list()
    waiting = [r for r in rows if r["sendStatusDesc"].startswith("waiting at")]
    return waiting or None


async def _exactly(net: Network, agency: str, count: int) -> list[dict[str, str]] | None:
    rows = await _inbox(net, agency)
    assert len(rows) <= count, f"{agency} got {len(rows)} copies of {count}"
    return rows if len(rows) == count else None
