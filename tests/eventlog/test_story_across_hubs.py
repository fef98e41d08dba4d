"""A document's story across hubs (docs/delivery-log.md "Across hubs"): three hubs on loopback
(Quảng Nam H47, the national hub, Nghệ An H41), a commune of Quảng Nam sends to a commune of
Nghệ An, the recipient fetches, acknowledges and reports 01; ``axis trace DOCID --hub ...``
asks each hub's ``GET /admin/trace`` (or reads a hub's store through its config) and shows
the story hop by hop: what each hub received, routed, had fetched and acknowledged, with the
hops each arrival names, and the hop latency reaches /metrics."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from axis.directory import network
from axis.pki import devpki
from tests.eventlog.conftest import cli, cli_json
from tests.hub.conftest import document, package_bytes, status
from tests.support.hubproc import free_port
from tests.tiers.conftest import Network, eventually, hub_processes, network_dir, network_pki

__all__ = ["network_dir", "network_pki"]  # the three hubs' folders and ports (tests/tiers)

SENDER = "000.24.31.H47"  # a commune of Quảng Nam
RECIPIENT = "000.24.31.H41"  # a commune of Nghệ An
TOKEN = "story-admin-token-for-tests"
CONSOLE = f'[console]\nadmin_token_sha256 = "{hashlib.sha256(TOKEN.encode()).hexdigest()}"\n'
HOPS = ["00.47.W00", "vxp.national", "00.41.W00"]


@pytest.fixture
async def story_net(
    network_dir: tuple[Path, list[network.HubPlan]],
) -> AsyncIterator[Network]:
    """The three-hub network with the admin API on (one token for the three)."""
    base, plans = network_dir
    hubs = hub_processes(base, plans, extra=CONSOLE)
    try:
        for hub in hubs.values():
            hub.start()
        systems = {e["system_id"]: e for e in network_systems(base)}
        async with aiohttp.ClientSession() as session:
            yield Network(base, hubs, systems, devpki.DevPki(base / "demo" / "pki"), session)
    finally:
        for hub in hubs.values():
            hub.stop()


def network_systems(base: Path) -> list[dict[str, object]]:
    return list(json.loads((base / "demo" / "systems.json").read_text("utf-8")))


async def _deliver(net: Network) -> tuple[str, str]:
    """Send, let the recipient fetch, acknowledge and report 01; (H47 DocId, DocumentId)."""
    original = document(SENDER, (RECIPIENT,))
    doc_id = await net.client(net.system_of(SENDER)).send_edoc(
        package_bytes(net.pki, original), SENDER
    )
    recipient = net.client(net.system_of(RECIPIENT))

    async def arrived() -> list[dict[str, str]] | None:
        rows = [r for r in await recipient.received_list() if r["to"] == RECIPIENT]
        return rows or None

    (row,) = await eventually(arrived)
    await recipient.get_edoc(row["docId"])
    await recipient.update_status(row["docId"], True)
    await recipient.send_edoc(
        package_bytes(net.pki, status(RECIPIENT, original, "01")), RECIPIENT, "status"
    )
    return doc_id, original.document_id


def _kinds(part: dict) -> list[str]:
    """The kinds of the document's own events on one hub (the status package that came back
    through the same hubs shares its DocumentId and has events of its own)."""
    return [e["kind"] for e in _own(part)]


def _own(part: dict) -> list[dict]:
    edocs = {d["id"] for d in part["documents"] if d["message_type"] == "edoc"}
    return [e for e in part["events"] if e["doc_id"] in edocs]


async def test_axis_trace_tells_the_story_hop_by_hop_across_three_hubs(
    story_net: Network,
) -> None:
    net = story_net
    doc_id, document_id = await _deliver(net)
    urls = [net.hubs[name].endpoint for name in ("h41", "national", "h47")]  # any order
    argv = ["trace", doc_id, *(a for url in urls for a in ("--hub", url)), "--token", TOKEN]

    async def whole_story() -> dict | None:
        code, answer = await cli_json(*argv)
        hops = answer["hops"]
        done = (
            code == 0
            and len(hops) == 3
            and "status" in _kinds(hops[0])  # the 01 came back to the sender's hub
            and "acknowledged" in _kinds(hops[1])  # H41 took it from national
            and "acknowledged" in _kinds(hops[2])  # the commune took it from H41
        )
        return answer if done else None

    answer = await eventually(whole_story, timeout_s=45)
    hops = answer["hops"]
    assert [h["hub"] for h in hops] == HOPS
    assert answer["unanswered"] == {}  # the other hubs were asked by the DocumentId
    h47, national, h41 = hops
    assert [d["document_id"] for h in hops for d in h["documents"] if d["message_type"] == "edoc"] \
        == [document_id] * 3  # fmt: skip
    # The sender's hub: received from the commune's system, routed up to the national hub,
    # then the business status on the way back.
    assert _kinds(h47)[:2] == ["received", "routed"]
    assert _own(h47)[1]["detail"] == "upstream:national"
    assert "; hops " not in _own(h47)[0]["detail"]  # sent there directly
    # its queue manager forwarded it up once the national hub had committed it, and the 01 came
    # back (docs/delivery-log.md: `forwarded`)
    assert _kinds(h47)[2] == "forwarded" and _own(h47)[2]["system_id"] == "upstream:national"
    assert "status" in _kinds(h47) and set(_kinds(h47)[3:]) <= {"status"}
    # The national hub: received from H47 naming its hop, routed to Nghệ An's hub, which
    # fetched and acknowledged it done (its bridge pulls).
    assert _kinds(national)[:2] == ["received", "routed"]
    assert re.search(r"; hops 00\.47\.W00@\d{4}/\d\d/\d\d \d\d:\d\d:\d\d$",
                     _own(national)[0]["detail"])  # fmt: skip
    fetched = [e for e in _own(national) if e["kind"] == "fetched"]
    acked = [e for e in _own(national) if e["kind"] == "acknowledged"]
    assert [e["system_id"] for e in fetched + acked] == ["00.41.W00", "00.41.W00"]
    assert acked[0]["code"] == "done"
    # the pulling bridge's `done` named its own DocId, so the hop is recorded as forwarded
    forwarded = [e for e in _own(national) if e["kind"] == "forwarded"]
    assert [e["system_id"] for e in forwarded] == ["00.41.W00"]
    # The recipient's province: received after both hops, routed to the commune's system,
    # fetched and acknowledged done by it.
    assert _kinds(h41)[:2] == ["received", "routed"]
    assert " > vxp.national@" in _own(h41)[0]["detail"]
    assert [k for k in _kinds(h41) if k in ("fetched", "acknowledged")] == [
        "fetched",
        "acknowledged",
    ]
    # each hub's events name it as their hop (eventlog.hub_name unset: the hub's id)
    assert all(e["hop"] == h["hub"] == h["hop"] for h in hops for e in h["events"])
    # One timeline, by time, every event tagged with its hub.
    timeline = answer["timeline"]
    assert len(timeline) == sum(len(h["events"]) for h in hops)
    assert [t["at"] for t in timeline] == sorted(t["at"] for t in timeline)
    firsts = [next(t for t in timeline if t["hub"] == hub) for hub in HOPS]
    assert [f["kind"] for f in firsts] == ["received"] * 3

    # The terminal view: one heading per hop, then the merged timeline.
    code, text = await cli(*argv)
    assert code == 0
    headings = [line for line in text.splitlines() if line.startswith("hop ")]
    assert headings[0] == "hop 1: 00.47.W00 (sent here)"
    assert headings[1].startswith("hop 2: vxp.national (after 00.47.W00, hop ")
    assert headings[2].startswith("hop 3: 00.41.W00 (after 00.47.W00 > vxp.national, hop ")

    # A hub on this machine can be read through its config instead of its API.
    config = str(net.hubs["h41"].data_dir / "bench.toml")
    code, mixed = await cli_json("trace", document_id, "--hub", config,
                                 "--hub", net.hubs["h47"].endpoint, "--token", TOKEN)  # fmt: skip
    assert code == 0 and [h["hub"] for h in mixed["hops"]] == [HOPS[0], HOPS[2]]

    # Each hop into a hub was timed from the TraceHeader before it (whole seconds).
    for name in ("national", "h41"):
        async with net.session.get(net.hubs[name].endpoint + "/metrics") as response:
            metrics = await response.text()
        count = re.search(r"^axis_hop_latency_seconds_count (\S+)$", metrics, re.M)
        assert count and float(count.group(1)) >= 1, name


async def test_a_hub_that_never_saw_the_document_answers_5_8_17_and_needs_the_token(
    story_net: Network,
) -> None:
    url = story_net.hubs["national"].endpoint + "/admin/trace"
    session = story_net.session
    auth = {"Authorization": f"Bearer {TOKEN}"}
    async with session.get(url, params={"doc": "no-such-document"}, headers=auth) as response:
        assert response.status == 404
        assert (await response.json())["code"] == "5.8.17"
    async with session.get(url, params={"doc": "no-such-document"}) as response:
        assert response.status == 401 and (await response.json())["code"] == "5.8.14"
    async with session.get(url, headers=auth) as response:
        assert response.status == 400 and (await response.json())["code"] == "5.1.5"
    gone = f"http://127.0.0.1:{free_port()}"  # nobody listens there
    code, answer = await cli_json("trace", "no-such-document", "--hub",
                                  story_net.hubs["h47"].endpoint, "--hub", gone, "--token", TOKEN)  # fmt: skip
    assert code == 1 and answer["hops"] == []
    assert answer["unanswered"][story_net.hubs["h47"].endpoint].startswith("5.8.17 ")
    assert answer["unanswered"][gone].startswith("unreachable")


async def test_the_demo_script_prints_the_story_of_a_package_through_the_three_hubs(
    story_net: Network, capsys: pytest.CaptureFixture[str]
) -> None:
    from scripts.demo_story import demo

    assert await demo(story_net.base, config_name="bench.toml") == 0
    out = capsys.readouterr().out
    headings = [line.split(" (")[0] for line in out.splitlines() if line.startswith("hop ")]
    assert headings == [f"hop {n}: {hub}" for n, hub in enumerate(HOPS, 1)]
    assert "acknowledged  000.24.31.H41 acknowledged done" in out
