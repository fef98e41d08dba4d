"""Directory operations over the SDK protocol, and the hub-signed transport receipt."""

from __future__ import annotations

import base64

from lxml import etree

from axis.edxml import load
from axis.pki.trust import TrustStore
from axis.pki.xmldsig import verify
from axis.receipts import RECEIPT_NS
from tests.hub.conftest import A, B, document, package_bytes


async def test_get_agencies_list_returns_the_directory(hub) -> None:
    reply = await hub.client(B).get_agencies()
    ids = {row["id"] for row in reply["data"]}
    assert {A, B, "000.24.31.H47"} <= ids
    assert set(reply["data"][0]) == {"id", "pid", "code", "name", "mail"}


async def test_a_system_registers_and_deletes_an_agency_under_itself(hub) -> None:
    new = {"id": "000.26.31.H47", "pcode": "000.00.31.H47", "code": "000.26.31.H47",
           "name": "UBND xã 26", "mail": "x26@demo.invalid", "mobile": "", "fax": ""}  # fmt: skip
    client = hub.client(B)
    assert (await client.register_agency(new))["status"] == "OK"
    assert (await client.register_agency(new))["ErrorCode"] == "5.5.4"
    row = await hub.store.get_agency("000.26.31.H47")
    assert row is not None and row.system_id == "00.47.W00"
    assert (await client.delete_agency("000.26.31.H47"))["status"] == "OK"
    assert await hub.store.get_agency("000.26.31.H47") is None


async def test_registering_under_another_systems_agency_is_refused_5_8_8(hub) -> None:
    new = {"id": "000.27.31.H47", "pcode": "000.00.31.H47", "name": "intruder"}
    assert (await hub.client(A).register_agency(new))["ErrorCode"] == "5.8.8"
    assert (await hub.client(A).delete_agency("000.24.31.H47"))["ErrorCode"] == "5.8.8"
    assert await hub.store.get_agency("000.27.31.H47") is None


async def test_the_sender_gets_a_hub_signed_receipt_naming_digest_and_recipients(hub, pki) -> None:
    import hashlib

    data = package_bytes(pki, document(A, (B,)))
    doc_id = (await hub.client(A).send_edoc(data, A))["DocId"]
    status, reply = await hub.client(A).call("getReceipt", {"docId": doc_id}, b"{}")
    assert (status, reply["status"]) == (200, "OK"), reply
    receipt = base64.b64decode(reply["data"])
    root = load(receipt).root
    trust = TrustStore.load(pki.trust_dir)
    verdict = verify(root, mode="required", trust=trust, expected_agency=None)
    assert verdict.kind == "verified"
    ns = {"r": RECEIPT_NS}
    assert root.findtext(".//r:Digest", namespaces=ns) == hashlib.sha256(data).hexdigest()
    assert [e.get("organId") for e in root.iterfind(".//r:Recipient", ns)] == [B]
    assert etree.QName(root).localname == "edXML"


async def test_a_receipt_for_someone_elses_document_is_answered_as_unknown_5_1_8(hub, pki) -> None:
    doc_id = (await hub.client(A).send_edoc(package_bytes(pki, document(A, (B,))), A))["DocId"]
    status, reply = await hub.client(B).call("getReceipt", {"docId": doc_id}, b"{}")
    assert (status, reply["ErrorCode"]) == (404, "5.1.8")
