"""The real VXP SDK 2.0.1's recorded requests (tests/data/sdk-wire/), replayed byte for byte.

Each recording goes over a raw loopback socket (tests/support/raw_http.py) to a real hub and the
answer is checked the way the SDK reads it (status, ErrorCode, ErrorDesc, DocId/data/count).

Set-up, and why:
- Clock: the recordings' timestamps are the recording machine's local time (UTC there) on
  2 December 2026, 12:57:14-18. The hub reads timestamps in zone UTC (auth.timezone) and its
  authenticator's injectable clock is set to 12:57:16, so every recording is inside the window
  and nothing else about the window check changes.
- Caller: system 00.47.W00 with secret s3cr3t (the recordings' HMACs) serving 000.00.00.H47;
  000.00.00.G22 is in the demo directory, served by 00.00.G22.
- Signature policy: the default (lenient, signatures optional). The recorded edoc carries a
  decorative Signature (edXML namespace, rsa-sha1, a copied value) and the status none: like
  every real package (docs/domain.md §4) they cannot verify, so strict would refuse them;
  lenient accepts them with 2.3.4 / 2.3.1 warnings, which is what the SDK's DMS meets today.
- State: the recorded edoc (02) is a revoke (BussinessDocType 1) of H47's own document
  ``000.00.00.H47,2026/11/22,d01120/PROBE``, so H47 first sends that document to G22 for
  real (the project's client, as 00.47.W00). The status (03) answers a document G22 sent to H47 with DocumentId
  ``000.00.00.H47,2026/11/22,25273e/PROBE``; that document is sent first by a real sendEdoc
  from G22. getEdoc/updateStatus (06, 07) carry the docId the recording server made up
  (``5f0c0ffee0000000000000a1``): replayed as recorded they must get the SDK-readable
  "unknown document" refusal; then the same recordings, with the docId replaced by the one
  this hub listed and the HMAC recomputed with s3cr3t (every other byte as recorded), must
  fetch and acknowledge it.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest

from axis import config as config_mod
from axis.api.app import DAEMON, create_app, server_args
from axis.config import Config
from axis.directory import demo
from axis.pki import devpki
from axis.store import open_store
from tests.hub.conftest import SECRETS, document, package_bytes
from tests.support.raw_http import SDK_WIRE, Answer, Recorded, send
from tests.support.vxp_client import VxpClient

SYSTEM, SECRET, AGENCY, RECIPIENT = "00.47.W00", "s3cr3t", "000.00.00.H47", "000.00.00.G22"
RECORDED_AT = datetime(2026, 12, 2, 12, 57, 16)
RECORDED_DOC_ID = "5f0c0ffee0000000000000a1"
ANSWERED_DOCUMENT = "000.00.00.H47,2026/11/22,25273e/PROBE"
REVOKED_DOCUMENT = "000.00.00.H47,2026/11/22,d01120/PROBE"


@dataclass
class WireHub:
    port: int
    endpoint: str
    session: aiohttp.ClientSession

    def client(self, system_id: str) -> VxpClient:
        """The project's SDK client for another system, on the recordings' clock."""
        return VxpClient(
            self.endpoint,
            system_id,
            SECRET if system_id == SYSTEM else SECRETS[system_id],
            session=self.session,
            clock=lambda: RECORDED_AT,
        )

    async def replay(self, name: str, **replace: str) -> Answer:
        recorded = Recorded.load(name)
        if replace:
            recorded = recorded.resigned(SECRET, replace)
        return await send(self.port, recorded)


@pytest.fixture
async def wire_hub(aiohttp_server, hub_cfg: Config) -> AsyncIterator[WireHub]:
    cfg = config_mod.replace(hub_cfg, "auth", timezone="UTC")
    store = await open_store(cfg)
    try:
        await store.import_agencies(demo.agencies())
        for system_id, (name, _) in demo.SYSTEMS.items():
            secret = SECRET if system_id == SYSTEM else SECRETS[system_id]
            await store.add_system(system_id, secret, name)
    finally:
        await store.close()
    app = create_app(cfg)
    server = await aiohttp_server(app, **server_args(cfg))
    app[DAEMON].auth.clock = lambda: RECORDED_AT.replace(tzinfo=UTC)
    async with aiohttp.ClientSession() as session:
        yield WireHub(server.port, str(server.make_url("")).rstrip("/"), session)


def sdk_ok(answer: Answer, *fields: str) -> dict[str, Any]:
    """The SDK's success reading: HTTP 200, status OK, ErrorCode "0", and its fields present."""
    payload = answer.json()
    assert answer.status == 200, payload
    assert (payload["status"], payload["ErrorCode"]) == ("OK", "0"), payload
    assert isinstance(payload["ErrorDesc"], str)
    for name in fields:
        assert name in payload, (name, payload)
    return payload


def sdk_fail(answer: Answer, code: str, http: int) -> dict[str, Any]:
    """The SDK's refusal reading: status FAIL, ErrorCode the code, ErrorDesc a sentence."""
    payload = answer.json()
    assert answer.status == http, payload
    assert (payload["status"], payload["ErrorCode"]) == ("FAIL", code), payload
    assert isinstance(payload["ErrorDesc"], str) and payload["ErrorDesc"]
    return payload


def test_the_fixtures_are_the_recordings_byte_for_byte() -> None:
    files = sorted(p.name for p in SDK_WIRE.iterdir() if p.name != "README.md")
    assert len([f for f in files if f.endswith(".http")]) == 10
    for name in ("02", "03"):
        recorded = Recorded.load(f"{name}-sendEdoc.http")
        file = (SDK_WIRE / f"{name}-sendEdoc.file.edxml").read_bytes()
        assert recorded.body == file + b"\r\n"
        assert int(recorded.header("Content-Length")) == len(file) + 2
        digest = hashlib.sha256(file).digest()
        assert recorded.header("XroadVnpt-hash-file") == "".join(format(b, "x") for b in digest)


async def test_every_recorded_request_is_answered_as_the_sdk_expects(
    wire_hub: WireHub, pki: devpki.DevPki
) -> None:
    # 01 the directory
    agencies = sdk_ok(await wire_hub.replay("01-getAgenciesList.http"), "data")["data"]
    assert {AGENCY, RECIPIENT} <= {row["id"] for row in agencies}

    # 02 a revoke, body = file + CRLF, hash-file over the file: accepted, the file stored
    first = package_bytes(pki, document(AGENCY, (RECIPIENT,), document_id=REVOKED_DOCUMENT))
    revoked = await wire_hub.client(SYSTEM).send_edoc(first, AGENCY)
    assert revoked["status"] == "OK", revoked
    sent = sdk_ok(await wire_hub.replay("02-sendEdoc.http"), "DocId")
    assert sent["DocId"] and sent["code"] == "2.3.4"  # decorative signature, lenient
    g22 = wire_hub.client("00.00.G22")
    rows = (await g22.get_received_list())["data"]
    assert len(rows) == 2
    fetched = base64.b64decode((await g22.get_edoc(rows[1]["docId"]))["data"])
    assert fetched == (SDK_WIRE / "02-sendEdoc.file.edxml").read_bytes()

    # 03 a status 01 on a document G22 sent to H47 (sent here first, for real)
    original = package_bytes(pki, document(RECIPIENT, (AGENCY,), document_id=ANSWERED_DOCUMENT))
    seeded = await g22.send_edoc(original, RECIPIENT)
    assert seeded["status"] == "OK", seeded
    status = sdk_ok(await wire_hub.replay("03-sendEdoc.http"), "DocId")
    assert status["DocId"] and status["code"] == "2.3.1"  # no signature, lenient

    # 04 / 05 H47's inboxes: the seeded edoc; no statuses
    (inbox,) = sdk_ok(await wire_hub.replay("04-getReceivedEdocList.http"), "data")["data"]
    assert (inbox["from"], inbox["to"], inbox["messageType"]) == (RECIPIENT, AGENCY, "edoc")
    statuses = sdk_ok(await wire_hub.replay("05-getReceivedEdocList.http"), "data")["data"]
    assert statuses == []

    # 06 / 07 the recording server's docId is not ours: the SDK-readable refusal
    for name in ("06-getEdoc.http", "07-updateStatus.http"):
        refused = sdk_fail(await wire_hub.replay(name), "5.1.8", 404)
        assert RECORDED_DOC_ID in refused["ErrorDesc"]

    # 06 again with this hub's docId: the seeded package, as sent
    mine = {RECORDED_DOC_ID: inbox["docId"]}
    got = sdk_ok(await wire_hub.replay("06-getEdoc.http", **mine), "data")
    assert base64.b64decode(got["data"]) == original

    # 09 one edoc waiting (fetched, not acknowledged), then 07 acknowledges it
    assert sdk_ok(await wire_hub.replay("09-countReceiveEdoc.http"), "count")["count"] == 1
    sdk_ok(await wire_hub.replay("07-updateStatus.http", **mine))
    assert (await wire_hub.replay("09-countReceiveEdoc.http", **{"+0759": "+0760"})).json()[
        "count"
    ] == 0

    # 08 what H47 sent: its document and the recorded revoke, both to G22
    sent_rows = sdk_ok(await wire_hub.replay("08-getSentEdocList.http"), "data")["data"]
    assert sorted((r["senderDocId"], r["fromCode"], r["toCode"]) for r in sent_rows) == sorted(
        [(revoked["DocId"], AGENCY, RECIPIENT), (sent["DocId"], AGENCY, RECIPIENT)]
    )

    # 10 a commune registered the real way: pcode = the caller's own system id
    sdk_ok(await wire_hub.replay("10-registerAgency.http"))
    after = sdk_ok(await wire_hub.replay("01-getAgenciesList.http", **{"+0508": "+0509"}))
    (commune,) = [row for row in after["data"] if row["id"] == "000.01.31.H47"]
    assert commune["pid"] == ""


@pytest.mark.parametrize(
    "name",
    [
        "06-getEdoc.http",
        "07-updateStatus.http",
        "09-countReceiveEdoc.http",
        "10-registerAgency.http",
    ],
)
async def test_json_operations_get_100_continue_before_their_body(
    wire_hub: WireHub, name: str
) -> None:
    """The SDK sends Expect: 100-continue on the JSON operations and waits for the interim
    answer before the body (raw_http.send asserts the 100 arrives before writing the body)."""
    recorded = Recorded.load(name)
    assert recorded.expects_continue
    answer = await send(wire_hub.port, recorded)
    assert answer.continued
    payload = answer.json()
    assert payload["status"] in ("OK", "FAIL") and isinstance(payload["ErrorCode"], str)
