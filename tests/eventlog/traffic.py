"""Real traffic through the hub for the delivery-log tests: a send to two recipients, fetches,
acknowledgements (done and fail), a business status and a refusal."""

from __future__ import annotations

from dataclasses import dataclass

from tests.hub.conftest import A, B, C, document, package_bytes, status


@dataclass(frozen=True)
class Story:
    doc_id: str
    document_id: str
    data: bytes
    refused_document_id: str


async def story(hub, pki) -> Story:
    original = document(A, (B, C))
    data = package_bytes(pki, original)
    reply = await hub.client(A).send_edoc(data, A)
    assert reply["status"] == "OK", reply
    doc_id = str(reply["DocId"])
    for agency, outcome in ((B, "done"), (C, "fail")):
        client = hub.client(agency)
        (row,) = (await client.get_received_list())["data"]
        assert (await client.get_edoc(row["docId"]))["status"] == "OK"
        assert (await client.update_status(row["docId"], outcome))["status"] == "OK"
    sent = await hub.client(B).send_edoc(package_bytes(pki, status(B, original, "03")), B, "status")
    assert sent["status"] == "OK", sent
    bad = document(A, (B, "000.00.00.H99"))  # an unknown recipient: refused 5.5.1
    refused = await hub.client(A).send_edoc(package_bytes(pki, bad), A)
    assert refused["status"] == "FAIL", refused
    return Story(doc_id, original.document_id, data, bad.document_id)
