"""The store failing writes: 503 + Retry-After with 4.7.1, nothing accepted, recovery in place.

docs/architecture.md principle 1 (the commit is the acknowledgement) under a failing disk: while the hub's
process cannot write a byte (conftest.writes_fail), every operation that must write answers
503 4.7.1 with Retry-After and changes nothing; reads still answer; once writes work again the
same hub process (no restart) accepts the very package it refused, as a new document (2.0.0,
not a 2.6.1 duplicate: the refused attempt left no trace), and hands it out.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import aiohttp

from axis.edxml import build
from axis.pki.xmldsig import sign
from tests.hub.conftest import document
from tests.reliability.conftest import writes_fail
from tests.support.hubproc import HubProcess
from tests.support.vxp_client import VxpClient, java_hex_sha256

A, B = "000.00.00.G22", "000.00.00.H47"  # demo agencies of systems 00.00.G22 and 00.47.W00


def _client(hub: HubProcess, agency: str, session: aiohttp.ClientSession) -> VxpClient:
    system = next(s for s in hub.systems() if agency in s.agencies)
    return VxpClient(hub.endpoint, system.system_id, system.secret, session=session)


def _package(hub: HubProcess, sender: str, to: str) -> bytes:
    key, cert, chain = hub.agency_key(sender)
    return sign(build(document(sender, (to,))), key, cert, chain_pem=chain)


async def _call(
    client: VxpClient, operation: str, params: dict[str, str], body: bytes = b"{}"
) -> tuple[int, dict[str, Any], str | None]:
    """(HTTP status, JSON, Retry-After) of one signed call."""
    content_type = "application/octet-stream" if operation == "sendEdoc" else "application/json"
    headers = client.signed_headers(params, content_type)
    url = f"{client.endpoint}/{operation}"
    async with client.session.post(url, data=body, headers=headers) as reply:
        return reply.status, await reply.json(content_type=None), reply.headers.get("Retry-After")


async def _send(
    client: VxpClient, data: bytes, sender: str
) -> tuple[int, dict[str, Any], str | None]:
    params = {"servicetype": "eDoc", "messagetype": "edoc", "from": sender,
              "hash-file": java_hex_sha256(data)}  # fmt: skip
    return await _call(client, "sendEdoc", params, data)


def _unavailable(reply: tuple[int, dict[str, Any], str | None]) -> None:
    status, payload, retry_after = reply
    assert (status, payload["status"], payload["ErrorCode"]) == (503, "FAIL", "4.7.1"), payload
    assert retry_after is not None and int(retry_after) > 0


async def _inbox(client: VxpClient) -> list[dict[str, Any]]:
    reply = await client.get_received_list()
    assert reply["status"] == "OK", reply
    return list(reply["data"])


def _documents_on_disk(hub: HubProcess) -> int:
    uri = f"file:{hub.data_dir / 'axis.db'}?mode=ro"
    with sqlite3.connect(uri, uri=True) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0])


async def test_a_package_sent_while_writes_fail_is_refused_and_accepted_after_recovery_4_7_1(
    child_hub: HubProcess, session: aiohttp.ClientSession
) -> None:
    sender, receiver = _client(child_hub, A, session), _client(child_hub, B, session)
    data = _package(child_hub, A, B)
    inbox_before = await _inbox(receiver)
    with writes_fail(child_hub.ps().pid):
        _unavailable(await _send(sender, data, A))
        _unavailable(await _send(sender, data, A))  # the client's retry, still during the fault
        assert await _inbox(receiver) == inbox_before  # reads answer; nothing was accepted
        async with session.get(f"{child_hub.endpoint}/healthz") as reply:
            assert reply.status == 200
    status, payload, _ = await _send(sender, data, A)
    assert (status, payload["status"], payload["code"]) == (200, "OK", "2.0.0"), payload
    assert len(await _inbox(receiver)) == len(inbox_before) + 1
    assert child_hub.process is not None and child_hub.process.poll() is None  # no restart


async def test_fetch_and_acknowledge_while_writes_fail_change_nothing_4_7_1(
    child_hub: HubProcess, session: aiohttp.ClientSession
) -> None:
    sender, receiver = _client(child_hub, A, session), _client(child_hub, B, session)
    _, sent, _ = await _send(sender, _package(child_hub, A, B), A)
    delivery = next(r for r in await _inbox(receiver) if r["status"] == "queued")["docId"]
    with writes_fail(child_hub.ps().pid):
        _unavailable(await _call(receiver, "getEdoc", {"docId": delivery}))
        _unavailable(await _call(receiver, "updateStatus", {"docid": delivery, "status": "done"}))
    row = next(r for r in await _inbox(receiver) if r["docId"] == delivery)
    assert row["status"] == "queued"
    assert (await receiver.get_edoc(delivery))["status"] == "OK"
    assert (await receiver.update_status(delivery, "done"))["status"] == "OK"
    assert sent["status"] == "OK"


async def test_registering_an_agency_while_writes_fail_registers_nothing_4_7_1(
    child_hub: HubProcess, session: aiohttp.ClientSession
) -> None:
    client = _client(child_hub, B, session)
    agency = {"id": "000.99.31.H47", "pcode": B, "code": "000.99.31.H47", "name": "Fault test"}
    body = json.dumps(agency).encode()
    with writes_fail(child_hub.ps().pid):
        _unavailable(await _call(client, "registerAgency", {}, body))
    ids = {row["id"] for row in (await client.get_agencies())["data"]}
    assert agency["id"] not in ids
    reply = await client.register_agency(agency)
    assert reply["status"] == "OK", reply


async def test_what_the_store_holds_after_the_faults_is_exactly_what_was_accepted(
    child_hub: HubProcess, session: aiohttp.ClientSession
) -> None:
    sender = _client(child_hub, A, session)
    accepted = {row["senderDocId"] for row in (await sender.get_sent_list())["data"]}
    assert _documents_on_disk(child_hub) == len(accepted)


async def test_a_log_file_on_the_failing_disk_still_gets_503_4_7_1(
    tmp_path: Path, session: aiohttp.ClientSession
) -> None:
    hub = HubProcess(tmp_path / "data")  # bench's child hub: stdout and stderr go to data/hub.log
    hub.start()
    try:
        data = _package(hub, A, B)
        with writes_fail(hub.ps().pid):
            _unavailable(await _send(_client(hub, A, session), data, A))
    finally:
        hub.stop()
